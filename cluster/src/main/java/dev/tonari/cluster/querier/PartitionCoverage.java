package dev.tonari.cluster.querier;

import dev.tonari.cluster.catalog.Member;
import dev.tonari.cluster.querier.IncompleteReadException.PartitionProblem;
import dev.tonari.cluster.querier.IncompleteReadException.Reason;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Decides whether the heads a read got cover every partition of the topic: a partition is covered
 * when one of its live owners is caught up by the catalog's record and by its own answer, answered,
 * and still reported owning it in that answer (a hand-over between the listing and the call is
 * caught here).
 */
final class PartitionCoverage {
  /** What one ingester's call gave: its state, or why it failed. */
  sealed interface Outcome {
    record Answered(HeadState state) implements Outcome {}

    record Failed(String reason) implements Outcome {}
  }

  private PartitionCoverage() {}

  static List<PartitionProblem> problems(int partitions, List<Member> members, Map<String, Outcome> outcomes) {
    List<PartitionProblem> problems = new ArrayList<>();
    for (int partition = 0; partition < partitions; partition++) {
      List<String> replaying = new ArrayList<>();
      List<String> unreachable = new ArrayList<>();
      boolean owned = false;
      boolean covered = false;
      for (Member member : members) {
        if (!member.partitions().contains(partition)) {
          continue;
        }
        owned = true;
        Outcome outcome = outcomes.get(member.id());
        String name = member.id() + " at " + member.address();
        if (!member.caughtUp()) {
          replaying.add(name);
        } else if (outcome instanceof Outcome.Failed failed) {
          unreachable.add(name + ": " + failed.reason());
        } else if (outcome instanceof Outcome.Answered answered) {
          if (!answered.state().caughtUp()) {
            replaying.add(name);
          } else if (!answered.state().partitions().contains(partition)) {
            unreachable.add(name + " no longer owns it");
          } else {
            covered = true;
            break;
          }
        } else {
          unreachable.add(name + ": not asked");
        }
      }
      if (covered) {
        continue;
      }
      if (!owned) {
        problems.add(new PartitionProblem(partition, Reason.NO_OWNER, "no live ingester owns it"));
      } else if (!replaying.isEmpty()) {
        problems.add(new PartitionProblem(partition, Reason.REPLAYING, String.join(", ", replaying) + (unreachable.isEmpty() ? "" : "; " + String.join(", ", unreachable))));
      } else {
        problems.add(new PartitionProblem(partition, Reason.UNREACHABLE, String.join(", ", unreachable)));
      }
    }
    return problems;
  }
}
