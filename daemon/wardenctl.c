/*
 * wardenctl: the operators' tool. The control socket commands arrive with
 * the takeover issue; for now it explains itself.
 */
#include <stdio.h>
#include <string.h>

static int
usage(FILE *out)
{
	fprintf(out, "usage: wardenctl [-s socket] [--json] command\n"
	    "commands:\n"
	    "  status                 state, cause, alarms, trips, devices\n"
	    "  watch                  status, refreshed live\n"
	    "  takeover -r REASON     isolate the AI, drive the safe state\n"
	    "  release -r REASON      hand control back to the AI\n"
	    "  reload                 reload warden.yaml\n"
	    "  audit verify FILE      check the audit log's hash chain\n");
	return 2;
}

int
main(int argc, char *argv[])
{
	if (argc == 2 && (strcmp(argv[1], "-h") == 0 ||
	    strcmp(argv[1], "--help") == 0)) {
		usage(stdout);
		return 0;
	}
	return usage(stderr);
}
