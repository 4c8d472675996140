-- Alert history, the outbox of notifications and SLO rollups: what the ruler and the alert
-- senders share across the cluster.

CREATE TABLE alert_history (
  id        bigserial PRIMARY KEY,
  tenant    text COLLATE "C" NOT NULL,
  at_millis bigint NOT NULL,
  json      text NOT NULL
);
CREATE INDEX alert_history_by_tenant_time ON alert_history (tenant, at_millis, id);

CREATE TABLE notification_outbox (
  id               bigserial PRIMARY KEY,
  tenant           text COLLATE "C" NOT NULL,
  receiver         text NOT NULL,
  payload          bytea NOT NULL,
  enqueued_at      timestamptz NOT NULL DEFAULT now(),
  attempts         integer NOT NULL DEFAULT 0,
  claimed_by       text,
  claim_expires_at timestamptz,
  delivered_at     timestamptz
);
CREATE INDEX notification_outbox_undelivered ON notification_outbox (id) WHERE delivered_at IS NULL;

CREATE TABLE slo_rollups (
  tenant       text COLLATE "C" NOT NULL,
  slo          text COLLATE "C" NOT NULL,
  group_key    text COLLATE "C" NOT NULL,
  minute_epoch bigint NOT NULL,
  bad          bigint NOT NULL CHECK (bad >= 0),
  total        bigint NOT NULL CHECK (total >= bad),
  updated_at   timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant, slo, group_key, minute_epoch)
);
