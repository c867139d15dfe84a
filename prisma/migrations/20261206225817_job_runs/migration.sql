-- CreateTable
CREATE TABLE "job_runs" (
    "name" TEXT NOT NULL,
    "every_ms" INTEGER NOT NULL,
    "interval_start" TIMESTAMPTZ(3),
    "running_by" TEXT,
    "lease_until" TIMESTAMPTZ(3),
    "last_runner" TEXT,
    "last_started_at" TIMESTAMPTZ(3),
    "last_finished_at" TIMESTAMPTZ(3),
    "last_duration_ms" INTEGER,
    "last_error" TEXT,
    "last_success_at" TIMESTAMPTZ(3),
    "runs" INTEGER NOT NULL DEFAULT 0,
    "failures" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "job_runs_pkey" PRIMARY KEY ("name")
);
