// The workspace's search box: instant results as you type (debounced full-text search), arrow keys to
// move, Enter to open; "/" focuses it from anywhere. An ARIA combobox with a listbox of tickets. A ticket
// number (`490`, `#490`) and Enter opens that ticket when it exists and you may see it.
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router-dom';
import { fetchTicket, useTicketSearch } from './api/tickets';
import type { Ticket } from './api/types';
import { StatusBadge } from './ui/badges';
import { useShortcuts } from './ui/shortcuts';

export function SearchBox() {
  const { t } = useTranslation('shell');
  const [text, setText] = useState('');
  const [q, setQ] = useState('');
  const [open, setOpen] = useState(false);
  const [active, setActive] = useState(0);
  const input = useRef<HTMLInputElement>(null);
  const navigate = useNavigate();

  useEffect(() => {
    const timer = window.setTimeout(() => setQ(text.trim()), 120);
    return () => window.clearTimeout(timer);
  }, [text]);

  const results = useTicketSearch(q, 8);
  const items = q ? (results.data?.items ?? []) : [];

  useShortcuts({ '/': () => input.current?.focus() });

  /** Enter on a ticket number: that ticket if the server shows it to us, else the highlighted result. */
  function jump(number: string) {
    const fallback = items[active];
    fetchTicket(Number(number)).then(go, () => fallback && go(fallback));
  }

  function go(ticket: Ticket) {
    setOpen(false);
    setText('');
    navigate(`/tickets/${ticket.id}`);
  }

  return (
    <div className="search">
      <label htmlFor="global-search" className="visually-hidden">
        {t('search.label')}
      </label>
      <input
        id="global-search"
        ref={input}
        type="search"
        role="combobox"
        aria-expanded={open && items.length > 0}
        aria-controls="search-results"
        aria-autocomplete="list"
        aria-activedescendant={open && items[active] ? `search-result-${items[active].id}` : undefined}
        placeholder={t('search.placeholder')}
        value={text}
        autoComplete="off"
        onChange={(e) => {
          setText(e.target.value);
          setOpen(true);
          setActive(0);
        }}
        onFocus={() => setOpen(true)}
        onBlur={() => window.setTimeout(() => setOpen(false), 150)}
        onKeyDown={(e) => {
          if (e.key === 'ArrowDown') {
            e.preventDefault();
            setActive((a) => Math.min(items.length - 1, a + 1));
          } else if (e.key === 'ArrowUp') {
            e.preventDefault();
            setActive((a) => Math.max(0, a - 1));
          } else if (e.key === 'Enter' && /^#?\s*\d{1,9}$/.test(text.trim())) {
            e.preventDefault();
            jump(text.trim().replace(/^#\s*/, ''));
          } else if (e.key === 'Enter' && items[active]) {
            e.preventDefault();
            go(items[active]);
          } else if (e.key === 'Escape') {
            setOpen(false);
            input.current?.blur();
          }
        }}
      />
      {open && q && (
        <ul id="search-results" role="listbox" className="search-results" aria-label={t('search.results')}>
          {items.length === 0 && !results.isFetching && (
            <li role="option" aria-selected="false" aria-disabled="true" className="muted">
              {t('search.none', { q })}
            </li>
          )}
          {items.map((ticket, i) => (
            <li
              key={ticket.id}
              id={`search-result-${ticket.id}`}
              role="option"
              aria-selected={i === active}
              className={i === active ? 'active' : ''}
              onMouseDown={(e) => {
                e.preventDefault();
                go(ticket);
              }}
            >
              <span className="muted">#{ticket.id}</span> <span className="grow">{ticket.title}</span>{' '}
              <StatusBadge status={ticket.status} />
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
