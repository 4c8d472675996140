package dev.tonari.tenancy.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tonari.tenancy.config.YamlTree.Mapping;
import dev.tonari.tenancy.config.YamlTree.Node;
import dev.tonari.tenancy.config.YamlTree.Position;
import dev.tonari.tenancy.config.YamlTree.Scalar;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class YamlTreeTest {
  @Test
  void readsEveryDocumentWithFileAbsolutePositions() throws Exception {
    String text = """
        ---
        a: 1
        ---
        ---
        b:
          c: two
        """;
    List<Map.Entry<Position, String>> duplicates = new ArrayList<>();
    List<Node> documents = YamlTree.parseAll(text, duplicates);

    assertThat(documents).hasSize(2);
    Mapping second = (Mapping) documents.get(1);
    assertThat(second.entries().get("b").keyPosition()).isEqualTo(new Position(5, 1));
    Mapping nested = (Mapping) second.entries().get("b").value();
    Scalar two = (Scalar) nested.entries().get("c").value();
    assertThat(two.text()).isEqualTo("two");
    assertThat(two.position()).isEqualTo(new Position(6, 6));
    assertThat(duplicates).isEmpty();
  }

  @Test
  void reportsRepeatedKeysInAnyDocument() throws Exception {
    List<Map.Entry<Position, String>> duplicates = new ArrayList<>();
    YamlTree.parseAll("a: 1\n---\nb: 1\nb: 2\n", duplicates);

    assertThat(duplicates).singleElement().satisfies(duplicate -> {
      assertThat(duplicate.getKey()).isEqualTo(new Position(4, 1));
      assertThat(duplicate.getValue()).isEqualTo("key 'b' is repeated (first at line 3 column 1)");
    });
  }

  @Test
  void syntaxErrorInALaterDocumentNamesItsLine() {
    assertThatThrownBy(() -> YamlTree.parseAll("a: 1\n---\nb: [1, 2\n", new ArrayList<>()))
        .isInstanceOfSatisfying(YamlTree.SyntaxException.class, e -> assertThat(e.position().line()).isGreaterThanOrEqualTo(3));
  }

  @Test
  void emptyTextHasNoDocuments() throws Exception {
    assertThat(YamlTree.parseAll("", new ArrayList<>())).isEmpty();
    assertThat(YamlTree.parseAll("# only a comment\n", new ArrayList<>())).isEmpty();
  }
}
