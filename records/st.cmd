# st.cmd: an example startup script for memtrace-ioc, in iocsh's syntax (see README: For EPICS users).
# It serves both groups under the prefix $(IOC): and guards their settings with records/memtrace.acf:
#
#   memtrace-ioc records/st.cmd                      from the package's directory
#   IOC=LAB TOP=/opt/memtrace-ioc memtrace-ioc /opt/memtrace-ioc/records/st.cmd
#
# Add -x $(IOC) before the script to serve softIoc's $(IOC):exit record as well.

#- Defaults for what the environment does not set: the prefix, and where the records/ directory is.
epicsEnvSet("IOC", "$(IOC=MEMTRACE)")
epicsEnvSet("TOP", "$(TOP=.)")

dbLoadRecords("$(TOP)/records/iocStats.db", "P=$(IOC):")
dbLoadRecords("$(TOP)/records/memoryTracing.db", "P=$(IOC):")
asSetFilename("$(TOP)/records/memtrace.acf")

iocInit

dbl
