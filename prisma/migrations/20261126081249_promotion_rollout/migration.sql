-- AlterTable
ALTER TABLE "deployments" ADD COLUMN     "promotion_request_id" UUID;

-- AlterTable
ALTER TABLE "promotion_requests" ADD COLUMN     "canary" JSONB;

-- CreateIndex
CREATE UNIQUE INDEX "deployments_promotion_request_id_key" ON "deployments"("promotion_request_id");

-- AddForeignKey
ALTER TABLE "deployments" ADD CONSTRAINT "deployments_promotion_request_id_fkey" FOREIGN KEY ("promotion_request_id") REFERENCES "promotion_requests"("id") ON DELETE SET NULL ON UPDATE CASCADE;
