// The web app's entry: TanStack Query for server state, React Router for pages (each area loaded on
// demand), the session and the live stream around everything, the words in the user's language.
import './i18n';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { Fragment, type ReactNode, StrictMode, useEffect, useState } from 'react';
import { createRoot } from 'react-dom/client';
import { BrowserRouter } from 'react-router-dom';
import { ApiError } from './api/client';
import { App } from './app';
import { LiveProvider } from './live';
import { onPreferencesChange } from './locale';
import { SessionProvider } from './session';
import './styles.css';

const queryClient = new QueryClient({
  defaultOptions: {
    queries: {
      staleTime: 10_000,
      refetchOnWindowFocus: true,
      // Client errors (4xx) will not change on retry; network trouble might.
      retry: (count, err) => !(err instanceof ApiError && err.status >= 400 && err.status < 500) && count < 2,
    },
  },
});

/** Renders the app anew when the language or time zone changes, so every word and date follows at once. */
function Localised({ children }: { children: ReactNode }) {
  const [version, setVersion] = useState(0);
  useEffect(() => onPreferencesChange(() => setVersion((v) => v + 1)), []);
  return <Fragment key={version}>{children}</Fragment>;
}

createRoot(document.getElementById('root') as HTMLElement).render(
  <StrictMode>
    <QueryClientProvider client={queryClient}>
      <BrowserRouter>
        <SessionProvider>
          <LiveProvider>
            <Localised>
              <App />
            </Localised>
          </LiveProvider>
        </SessionProvider>
      </BrowserRouter>
    </QueryClientProvider>
  </StrictMode>,
);
