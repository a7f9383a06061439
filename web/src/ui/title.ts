// The document title of a page.
import { useEffect } from 'react';

export function useTitle(title: string) {
  useEffect(() => {
    document.title = `${title} · opsdesk`;
  }, [title]);
}
