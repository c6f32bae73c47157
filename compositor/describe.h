#ifndef MP_DESCRIBE_H
#define MP_DESCRIBE_H

/* Small builders shared by the *_describe() functions, which give the
 * state of each object as json-c objects (mptest state, mpmgr --json). */

struct json_object;

/* {"x":..,"y":..,"width":..,"height":..} */
struct json_object *describe_box(int x, int y, int width, int height);
/* A JSON string, or null for NULL. */
struct json_object *describe_string(const char *s);

#endif
