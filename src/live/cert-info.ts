// What warren reads from a certificate: enough to name it and warn before it expires.
export interface CertInfo {
  /** e.g. "CN=warren-admin" */
  subject: string;
  validTo: Date;
  fingerprint: string;
}
