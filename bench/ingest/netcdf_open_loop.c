/*
 * Baseline for the complete parser: the bare netCDF-C loop of opening a file,
 * reading every global attribute and closing it, over the files named on standard
 * input, in N processes (HDF5 is not thread-safe). Prints the number of files read.
 *   netcdf_open_loop N < files.txt
 */
#include <netcdf.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static int read_attributes(const char *path) {
    int ncid, natts, i;
    if (nc_open(path, NC_NOWRITE, &ncid) != NC_NOERR) return 0;
    nc_inq_natts(ncid, &natts);
    for (i = 0; i < natts; ++i) {
        char name[NC_MAX_NAME + 1];
        nc_type type;
        size_t length;
        nc_inq_attname(ncid, NC_GLOBAL, i, name);
        nc_inq_att(ncid, NC_GLOBAL, name, &type, &length);
        if (type == NC_CHAR) {
            char *text = malloc(length + 1);
            nc_get_att_text(ncid, NC_GLOBAL, name, text);
            free(text);
        } else if (type != NC_STRING) {
            double *values = malloc((length + 1) * sizeof(double));
            nc_get_att_double(ncid, NC_GLOBAL, name, values);
            free(values);
        }
    }
    nc_close(ncid);
    return 1;
}

int main(int argc, char **argv) {
    int processes = argc > 1 ? atoi(argv[1]) : 1, p;
    size_t count = 0, capacity = 1024, i;
    char **files = malloc(capacity * sizeof *files), line[4096];
    while (fgets(line, sizeof line, stdin)) {
        line[strcspn(line, "\n")] = '\0';
        if (count == capacity) files = realloc(files, (capacity *= 2) * sizeof *files);
        files[count++] = strdup(line);
    }
    for (p = 0; p < processes; ++p) {
        if (fork() == 0) {
            int ok = 0;
            for (i = (size_t)p; i < count; i += (size_t)processes) ok += read_attributes(files[i]);
            _exit(ok > 0 ? 0 : 1);
        }
    }
    for (p = 0; p < processes; ++p) wait(NULL);
    printf("%zu\n", count);
    return 0;
}
