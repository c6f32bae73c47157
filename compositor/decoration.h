#ifndef MP_DECORATION_H
#define MP_DECORATION_H

struct mp_server;

/* Decorations are "server side": every window fills its station, so the
 * compositor tells clients not to draw title bars and draws none itself. */
void decoration_init(struct mp_server *server);

#endif
