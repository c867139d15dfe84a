-- DropIndex
DROP INDEX "run_params_key_value_idx";

-- DropIndex
DROP INDEX "run_tags_key_value_idx";

-- CreateIndex
CREATE INDEX "run_params_key_idx" ON "run_params"("key");

-- CreateIndex
CREATE INDEX "run_tags_key_idx" ON "run_tags"("key");
