-- CreateEnum
CREATE TYPE "DeploymentStrategy" AS ENUM ('blue_green', 'canary', 'ab_test');

-- CreateEnum
CREATE TYPE "DeploymentStatus" AS ENUM ('running', 'paused', 'promoted', 'rolled_back', 'completed', 'cancelled');

-- CreateEnum
CREATE TYPE "AlertStatus" AS ENUM ('open', 'acknowledged', 'resolved');

-- CreateTable
CREATE TABLE "workers" (
    "id" TEXT NOT NULL,
    "hostname" TEXT NOT NULL DEFAULT '',
    "url" TEXT,
    "version" TEXT NOT NULL DEFAULT '',
    "hardware" JSONB NOT NULL DEFAULT '{}',
    "serving" JSONB NOT NULL DEFAULT '[]',
    "started_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "last_heartbeat_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "workers_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "deployments" (
    "id" UUID NOT NULL,
    "model_id" UUID NOT NULL,
    "active_model_id" UUID,
    "strategy" "DeploymentStrategy" NOT NULL,
    "status" "DeploymentStatus" NOT NULL DEFAULT 'running',
    "stable_version_id" UUID,
    "candidate_version_id" UUID NOT NULL,
    "candidate_weight" INTEGER NOT NULL,
    "steps" INTEGER[] DEFAULT ARRAY[]::INTEGER[],
    "step_index" INTEGER NOT NULL DEFAULT 0,
    "step_duration_s" INTEGER NOT NULL DEFAULT 86400,
    "step_started_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "auto_promote" BOOLEAN NOT NULL DEFAULT true,
    "outcome_kind" TEXT,
    "reason" TEXT,
    "figures" JSONB,
    "created_by_id" UUID,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "ended_at" TIMESTAMPTZ(3),

    CONSTRAINT "deployments_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "prediction_logs" (
    "id" BIGSERIAL NOT NULL,
    "ts" TIMESTAMPTZ(3) NOT NULL,
    "request_id" TEXT NOT NULL,
    "item" INTEGER NOT NULL DEFAULT 0,
    "routing_key" TEXT,
    "model_version_id" UUID NOT NULL,
    "variant" TEXT NOT NULL,
    "input_hash" TEXT NOT NULL,
    "inputs" DOUBLE PRECISION[] DEFAULT ARRAY[]::DOUBLE PRECISION[],
    "prediction" DOUBLE PRECISION,
    "label" TEXT,
    "confidence" DOUBLE PRECISION,
    "latency_ms" DOUBLE PRECISION NOT NULL,
    "error" TEXT,
    "worker_id" TEXT,

    CONSTRAINT "prediction_logs_pkey" PRIMARY KEY ("ts","id")
);

-- CreateTable
CREATE TABLE "version_traffic" (
    "model_version_id" UUID NOT NULL,
    "worker_id" TEXT NOT NULL,
    "minute" TIMESTAMPTZ(3) NOT NULL,
    "requests" INTEGER NOT NULL DEFAULT 0,
    "errors" INTEGER NOT NULL DEFAULT 0,
    "latency_counts" INTEGER[] DEFAULT ARRAY[]::INTEGER[],
    "latency_bounds_ms" DOUBLE PRECISION[] DEFAULT ARRAY[]::DOUBLE PRECISION[],

    CONSTRAINT "version_traffic_pkey" PRIMARY KEY ("model_version_id","worker_id","minute")
);

-- CreateTable
CREATE TABLE "feedback" (
    "id" BIGSERIAL NOT NULL,
    "request_id" TEXT NOT NULL,
    "routing_key" TEXT,
    "model_version_id" UUID NOT NULL,
    "deployment_id" UUID,
    "variant" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "value" DOUBLE PRECISION NOT NULL,
    "received_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "feedback_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "drift_windows" (
    "model_version_id" UUID NOT NULL,
    "feature" TEXT NOT NULL,
    "window_s" INTEGER NOT NULL,
    "window_start" TIMESTAMPTZ(3) NOT NULL,
    "count" INTEGER NOT NULL,
    "mean" DOUBLE PRECISION NOT NULL,
    "mean_shift" DOUBLE PRECISION NOT NULL,
    "psi" DOUBLE PRECISION NOT NULL,
    "ks" DOUBLE PRECISION,
    "live_counts" INTEGER[] DEFAULT ARRAY[]::INTEGER[],
    "alert" BOOLEAN NOT NULL DEFAULT false,
    "computed_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "drift_windows_pkey" PRIMARY KEY ("model_version_id","feature","window_s","window_start")
);

-- CreateTable
CREATE TABLE "alerts" (
    "id" UUID NOT NULL,
    "kind" TEXT NOT NULL,
    "severity" TEXT NOT NULL DEFAULT 'warning',
    "status" "AlertStatus" NOT NULL DEFAULT 'open',
    "model_id" UUID,
    "model_version_id" UUID,
    "deployment_id" UUID,
    "title" TEXT NOT NULL,
    "message" TEXT NOT NULL,
    "figures" JSONB,
    "dedupe_key" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "acknowledged_at" TIMESTAMPTZ(3),
    "acknowledged_by" TEXT,
    "resolved_at" TIMESTAMPTZ(3),

    CONSTRAINT "alerts_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "workers_last_heartbeat_at_idx" ON "workers"("last_heartbeat_at");

-- CreateIndex
CREATE UNIQUE INDEX "deployments_active_model_id_key" ON "deployments"("active_model_id");

-- CreateIndex
CREATE INDEX "deployments_model_id_created_at_idx" ON "deployments"("model_id", "created_at");

-- CreateIndex
CREATE INDEX "prediction_logs_model_version_id_ts_idx" ON "prediction_logs"("model_version_id", "ts");

-- CreateIndex
CREATE INDEX "prediction_logs_request_id_idx" ON "prediction_logs"("request_id");

-- CreateIndex
CREATE INDEX "prediction_logs_routing_key_idx" ON "prediction_logs"("routing_key");

-- CreateIndex
CREATE UNIQUE INDEX "prediction_logs_request_id_item_ts_key" ON "prediction_logs"("request_id", "item", "ts");

-- CreateIndex
CREATE INDEX "version_traffic_minute_idx" ON "version_traffic"("minute");

-- CreateIndex
CREATE UNIQUE INDEX "feedback_request_id_key" ON "feedback"("request_id");

-- CreateIndex
CREATE INDEX "feedback_deployment_id_variant_idx" ON "feedback"("deployment_id", "variant");

-- CreateIndex
CREATE INDEX "drift_windows_window_start_idx" ON "drift_windows"("window_start");

-- CreateIndex
CREATE INDEX "alerts_status_created_at_idx" ON "alerts"("status", "created_at");

-- CreateIndex
CREATE INDEX "alerts_model_id_created_at_idx" ON "alerts"("model_id", "created_at");

-- CreateIndex
CREATE INDEX "alerts_dedupe_key_status_idx" ON "alerts"("dedupe_key", "status");
