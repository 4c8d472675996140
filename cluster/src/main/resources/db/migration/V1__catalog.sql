-- The cluster's catalog (dev.tonari.cluster.catalog.PostgresClusterCatalog). Every time is the
-- database's (now()), never a process clock. Keys are COLLATE "C" so that ORDER BY key is the
-- byte order every catalog answers in.

CREATE TABLE parts (
  key                 text COLLATE "C" PRIMARY KEY,
  tenant              text COLLATE "C" NOT NULL,
  min_timestamp_nanos bigint NOT NULL,
  max_timestamp_nanos bigint NOT NULL,
  entries             bigint NOT NULL,
  bytes               bigint NOT NULL,
  partition           integer NOT NULL,
  first_offset        bigint NOT NULL,
  last_offset         bigint NOT NULL,
  created_at          timestamptz NOT NULL DEFAULT now(),
  deleted_at          timestamptz,
  revision            bigint NOT NULL,
  deleted_revision    bigint
);
CREATE INDEX parts_live_by_tenant_time ON parts (tenant, max_timestamp_nanos) WHERE deleted_at IS NULL;
CREATE INDEX parts_deleted_by_time ON parts (deleted_at) WHERE deleted_at IS NOT NULL;

-- One row: the revision of the live parts. Updated in the transaction that changes them, so a
-- reader never sees a revision whose parts it cannot see yet (a sequence would not roll back).
CREATE TABLE parts_revision (
  single   boolean PRIMARY KEY DEFAULT true CHECK (single),
  revision bigint NOT NULL
);
INSERT INTO parts_revision (single, revision) VALUES (true, 0);

CREATE SEQUENCE part_sequence START WITH 1;

CREATE TABLE partition_offsets (
  topic        text COLLATE "C" NOT NULL,
  partition    integer NOT NULL,
  next_offset  bigint NOT NULL,
  owner_member text COLLATE "C",
  updated_at   timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (topic, partition)
);

CREATE TABLE members (
  id         text COLLATE "C" PRIMARY KEY,
  role       text COLLATE "C" NOT NULL,
  address    text NOT NULL,
  partitions integer[] NOT NULL,
  caught_up  boolean NOT NULL,
  expires_at timestamptz NOT NULL
);
CREATE INDEX members_by_role ON members (role, expires_at);

CREATE TABLE leases (
  name       text COLLATE "C" PRIMARY KEY,
  holder     text COLLATE "C" NOT NULL,
  generation bigint NOT NULL,
  expires_at timestamptz NOT NULL
);

CREATE TABLE state (
  key        text COLLATE "C" PRIMARY KEY,
  value      bytea NOT NULL,
  generation bigint NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE config_revisions (
  name         text COLLATE "C" NOT NULL,
  revision     bigint NOT NULL,
  content      bytea NOT NULL,
  sha256       bytea NOT NULL,
  published_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (name, revision)
);
