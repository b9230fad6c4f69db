/** The message text, exactly as docs/api.md words it. */
export function verificationSmsText(branding: string, code: string, expiryMinutes: number): string {
  return `Your ${branding} verification code is: ${code}. Expires in ${expiryMinutes} minutes.`;
}
