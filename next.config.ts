import type { NextConfig } from 'next';

const nextConfig: NextConfig = {
  // WASM and native-adjacent packages must be loaded by Node, not bundled by Turbopack.
  serverExternalPackages: ['@electric-sql/pglite', '@electric-sql/pglite-socket', '@prisma/schema-engine-wasm', 'pg', '@prisma/adapter-pg'],
  poweredByHeader: false,
  typedRoutes: false,
};

export default nextConfig;
