// Every sentence the app says about LAN mode, in one place: the "Use your phone" card on the laptop's page and the
// explanation a phone sees when it does not trust the computer's certificate yet (docs/using.md, "On your phone at
// home (LAN mode)", says the same in more words).

export const PHONE_CARD_WORDS = {
  heading: 'Use your phone',
  intro: 'This computer also serves the app on your network, so a phone on the same Wi-Fi can broadcast from its own Bluetooth.',
  steps: ['Scan this code on your phone.', 'Install the certificate (the steps are on that page).', 'Open the app.'],
  qrCaption: 'Setup page:',
  appLink: 'The app on your network:',
} as const;

export const TRUST_WORDS = {
  heading: 'This device doesn’t trust this computer’s certificate yet',
  why: 'The app opened past a certificate warning, so the browser keeps it from working offline, from being installed and possibly from using Bluetooth.',
  steps: ['Open the setup page on this device:', 'Install the certificate as the page says (on Android: as a CA certificate).', 'Close this tab and open the app again.'],
} as const;
