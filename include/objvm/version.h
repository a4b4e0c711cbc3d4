/*
 * objvm/version.h - the version of the objvm library.
 *
 * ABI promise: within one MAJOR version, a program built against an older
 * MINOR keeps working with a newer library.  Before 1.0 no promise holds.
 */
#ifndef OBJVM_VERSION_H
#define OBJVM_VERSION_H

#define OBJVM_VERSION_MAJOR 0
#define OBJVM_VERSION_MINOR 1
#define OBJVM_VERSION_PATCH 0

#define OBJVM_VERSION_HEX                                           \
	((OBJVM_VERSION_MAJOR << 16) | (OBJVM_VERSION_MINOR << 8) | \
	 (OBJVM_VERSION_PATCH))

#define OBJVM_VERSION_STRING "0.1.0"

#endif /* OBJVM_VERSION_H */
