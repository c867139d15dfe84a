-- CreateEnum
CREATE TYPE "LifecycleStage" AS ENUM ('active', 'deleted');

-- CreateEnum
CREATE TYPE "RunStatus" AS ENUM ('RUNNING', 'SCHEDULED', 'FINISHED', 'FAILED', 'KILLED');

-- CreateTable
CREATE TABLE "experiments" (
    "id" SERIAL NOT NULL,
    "name" TEXT NOT NULL,
    "artifact_location" TEXT,
    "lifecycle_stage" "LifecycleStage" NOT NULL DEFAULT 'active',
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "experiments_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "experiment_tags" (
    "experiment_id" INTEGER NOT NULL,
    "key" TEXT NOT NULL,
    "value" TEXT NOT NULL,

    CONSTRAINT "experiment_tags_pkey" PRIMARY KEY ("experiment_id","key")
);

-- CreateTable
CREATE TABLE "runs" (
    "id" UUID NOT NULL,
    "experiment_id" INTEGER NOT NULL,
    "name" TEXT NOT NULL,
    "status" "RunStatus" NOT NULL DEFAULT 'RUNNING',
    "start_time" BIGINT NOT NULL,
    "end_time" BIGINT,
    "lifecycle_stage" "LifecycleStage" NOT NULL DEFAULT 'active',
    "engineer" TEXT,
    "created_by_id" UUID,
    "artifact_uri" TEXT NOT NULL,
    "config" JSONB,
    "config_yaml" TEXT,
    "config_hash" TEXT,
    "effective_batch_size" INTEGER,
    "git_commit" TEXT,
    "git_dirty" BOOLEAN,
    "git_repo" TEXT,
    "runtime" TEXT,
    "libraries" JSONB,
    "requirements_txt" TEXT,
    "hardware" JSONB,
    "seed" BIGINT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "runs_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "run_params" (
    "run_id" UUID NOT NULL,
    "key" TEXT NOT NULL,
    "value" TEXT NOT NULL,

    CONSTRAINT "run_params_pkey" PRIMARY KEY ("run_id","key")
);

-- CreateTable
CREATE TABLE "run_tags" (
    "run_id" UUID NOT NULL,
    "key" TEXT NOT NULL,
    "value" TEXT NOT NULL,

    CONSTRAINT "run_tags_pkey" PRIMARY KEY ("run_id","key")
);

-- CreateTable
CREATE TABLE "metrics" (
    "run_id" UUID NOT NULL,
    "key" TEXT NOT NULL,
    "step" BIGINT NOT NULL,
    "timestamp" BIGINT NOT NULL,
    "value" DOUBLE PRECISION NOT NULL,

    CONSTRAINT "metrics_pkey" PRIMARY KEY ("run_id","key","step","timestamp","value")
);

-- CreateTable
CREATE TABLE "latest_metrics" (
    "run_id" UUID NOT NULL,
    "key" TEXT NOT NULL,
    "step" BIGINT NOT NULL,
    "timestamp" BIGINT NOT NULL,
    "value" DOUBLE PRECISION NOT NULL,

    CONSTRAINT "latest_metrics_pkey" PRIMARY KEY ("run_id","key")
);

-- CreateTable
CREATE TABLE "metric_rollups" (
    "run_id" UUID NOT NULL,
    "key" TEXT NOT NULL,
    "shift" INTEGER NOT NULL,
    "bucket" BIGINT NOT NULL,
    "min_step" BIGINT,
    "min_value" DOUBLE PRECISION,
    "max_step" BIGINT,
    "max_value" DOUBLE PRECISION,
    "odd_step" BIGINT,
    "odd_value" DOUBLE PRECISION,

    CONSTRAINT "metric_rollups_pkey" PRIMARY KEY ("run_id","key","shift","bucket")
);

-- CreateTable
CREATE TABLE "datasets" (
    "id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "description" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "datasets_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "dataset_versions" (
    "id" UUID NOT NULL,
    "dataset_id" UUID NOT NULL,
    "version" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "fingerprint" TEXT,
    "schema" JSONB,
    "row_count" BIGINT,
    "column_stats" JSONB,
    "source" JSONB,
    "created_by_id" UUID,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "dataset_versions_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "run_inputs" (
    "run_id" UUID NOT NULL,
    "dataset_version_id" UUID NOT NULL,
    "tags" JSONB NOT NULL DEFAULT '[]',
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "run_inputs_pkey" PRIMARY KEY ("run_id","dataset_version_id")
);

-- CreateTable
CREATE TABLE "artifacts" (
    "run_id" UUID NOT NULL,
    "path" TEXT NOT NULL,
    "size" BIGINT NOT NULL,
    "sha256" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "artifacts_pkey" PRIMARY KEY ("run_id","path")
);

-- CreateIndex
CREATE UNIQUE INDEX "experiments_name_key" ON "experiments"("name");

-- CreateIndex
CREATE INDEX "runs_experiment_id_start_time_idx" ON "runs"("experiment_id", "start_time" DESC);

-- CreateIndex
CREATE INDEX "runs_experiment_id_status_idx" ON "runs"("experiment_id", "status");

-- CreateIndex
CREATE INDEX "runs_config_hash_idx" ON "runs"("config_hash");

-- CreateIndex
CREATE INDEX "run_params_key_value_idx" ON "run_params"("key", "value");

-- CreateIndex
CREATE INDEX "run_tags_key_value_idx" ON "run_tags"("key", "value");

-- CreateIndex
CREATE INDEX "latest_metrics_key_value_idx" ON "latest_metrics"("key", "value");

-- CreateIndex
CREATE UNIQUE INDEX "datasets_name_key" ON "datasets"("name");

-- CreateIndex
CREATE UNIQUE INDEX "dataset_versions_dataset_id_version_key" ON "dataset_versions"("dataset_id", "version");

-- CreateIndex
CREATE INDEX "run_inputs_dataset_version_id_idx" ON "run_inputs"("dataset_version_id");

-- CreateIndex
CREATE INDEX "artifacts_sha256_idx" ON "artifacts"("sha256");

-- AddForeignKey
ALTER TABLE "experiment_tags" ADD CONSTRAINT "experiment_tags_experiment_id_fkey" FOREIGN KEY ("experiment_id") REFERENCES "experiments"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "runs" ADD CONSTRAINT "runs_experiment_id_fkey" FOREIGN KEY ("experiment_id") REFERENCES "experiments"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "run_params" ADD CONSTRAINT "run_params_run_id_fkey" FOREIGN KEY ("run_id") REFERENCES "runs"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "run_tags" ADD CONSTRAINT "run_tags_run_id_fkey" FOREIGN KEY ("run_id") REFERENCES "runs"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "latest_metrics" ADD CONSTRAINT "latest_metrics_run_id_fkey" FOREIGN KEY ("run_id") REFERENCES "runs"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "dataset_versions" ADD CONSTRAINT "dataset_versions_dataset_id_fkey" FOREIGN KEY ("dataset_id") REFERENCES "datasets"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "run_inputs" ADD CONSTRAINT "run_inputs_run_id_fkey" FOREIGN KEY ("run_id") REFERENCES "runs"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "run_inputs" ADD CONSTRAINT "run_inputs_dataset_version_id_fkey" FOREIGN KEY ("dataset_version_id") REFERENCES "dataset_versions"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "artifacts" ADD CONSTRAINT "artifacts_run_id_fkey" FOREIGN KEY ("run_id") REFERENCES "runs"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- MLflow clients log to experiment "0" ("Default") when none is set, so it always exists.
INSERT INTO "experiments" ("id", "name") VALUES (0, 'Default');
