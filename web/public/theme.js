// Apply the chosen theme before the first paint (no flash of the wrong theme). A file, not an inline script:
// the Content-Security-Policy allows only the service's own scripts (script-src 'self').
try {
  const theme = localStorage.getItem('opsdesk-theme');
  if (theme === 'light' || theme === 'dark') document.documentElement.dataset.theme = theme;
} catch {
  // No storage (a privacy mode): the system theme applies, as before any choice.
}
