// Incidents' face: services, incidents raised by hand, from a ticket or over the Events API, run through their
// service's escalation policy; acknowledgement, resolution and the timeline.
// -- services, incidents, escalation engine --
