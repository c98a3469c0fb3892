// The setup page a phone opens over plain HTTP before it trusts anything: where to get the local CA and how to
// trust it. Plain HTTP on purpose (the phone cannot open the HTTPS app yet); the fingerprint lets a careful
// person check that the file they got is the one this machine printed.

export interface SetupPageContent {
  appUrl: string;
  /** Absent with a person's own certificate: there is no CA to download. */
  ca?: { downloadPath: string; fingerprint256: string };
}

export function renderSetupPage(content: SetupPageContent): string {
  const app = escapeHtml(content.appUrl);
  const body = content.ca === undefined ? userCertificateSection(app) : caSection(app, escapeHtml(content.ca.downloadPath), escapeHtml(content.ca.fingerprint256));
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>liveheartrate: set up this device</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:40rem;margin:1rem auto;padding:0 1rem}code{word-break:break-all}a{font-weight:600}</style>
</head>
<body>
<h1>Set up this device for liveheartrate</h1>
${body}
</body>
</html>
`;
}

function caSection(app: string, download: string, fingerprint: string): string {
  return `<p>The app on your computer uses a certificate from its own local certificate authority (CA). Trust that CA once on
this device, then open the app.</p>
<p><a href="${download}" download="liveheartrate-local-ca.crt">1. Download the CA certificate</a></p>
<p>Its SHA-256 fingerprint must be exactly what your computer printed:<br><code>${fingerprint}</code></p>
<h2>2. Trust it</h2>
<h3>Android (Chrome)</h3>
<ol>
<li>Open <b>Settings</b> → <b>Security &amp; privacy</b> → <b>More security settings</b> → <b>Encryption &amp; credentials</b>
(on some phones: Settings → Security → Advanced).</li>
<li>Tap <b>Install a certificate</b> → <b>CA certificate</b> → <b>Install anyway</b>, and pick
<code>liveheartrate-local-ca.crt</code> from Downloads.</li>
</ol>
<h3>Desktop Chrome</h3>
<ul>
<li>Linux and ChromeOS: open <code>chrome://certificate-manager</code> → <b>Local certificates</b> → <b>Installed by you</b>
→ <b>Trusted certificates</b> → <b>Import</b>, and pick the file.</li>
<li>Windows: open the file → <b>Install Certificate</b> → place it in <b>Trusted Root Certification Authorities</b>.</li>
<li>macOS: open the file (it goes to the login keychain), then in Keychain Access set it to <b>Always Trust</b>.</li>
</ul>
<p>Then restart Chrome. The CA can vouch only for private network addresses and <code>.local</code> names, never for
another website. Remove it in the same place when you no longer need it.</p>
<p><a href="${app}">3. Open the app: ${app}</a></p>`;
}

function userCertificateSection(app: string): string {
  return `<p>This computer uses a certificate you supplied, so there is no local CA to download here. If this device trusts
the authority that issued it, open the app:</p>
<p><a href="${app}">${app}</a></p>`;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (character) => `&#${character.charCodeAt(0)};`);
}
