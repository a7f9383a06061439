// The technician workspace: the queue (/queue) and a ticket's page (/tickets/:id), one chunk so moving
// between them never waits for code.
import { useParams } from 'react-router-dom';
import { QueuePage } from './queue';
import { TicketPage } from './ticket';

export default function Workspace() {
  const { id } = useParams();
  return id ? <TicketPage key={id} id={Number(id)} /> : <QueuePage />;
}
