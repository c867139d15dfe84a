import type { ZodError } from 'zod';

/** `field.path: rule` lines, so a 400 names what was wrong and where. */
export function formatZodIssues(error: ZodError, prefix?: string): string[] {
  return error.issues.map((issue) => {
    const path = [prefix, ...issue.path.map(String)].filter(Boolean).join('.');
    return path ? `${path}: ${issue.message}` : issue.message;
  });
}
