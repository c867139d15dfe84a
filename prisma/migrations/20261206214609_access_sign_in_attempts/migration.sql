-- AlterTable
ALTER TABLE "users" ADD COLUMN     "sessions_valid_after" TIMESTAMPTZ(3);

-- CreateIndex
CREATE INDEX "sign_in_failures_email_at_idx" ON "sign_in_failures"("email", "at");

-- CreateIndex
CREATE INDEX "sign_in_failures_at_idx" ON "sign_in_failures"("at");
