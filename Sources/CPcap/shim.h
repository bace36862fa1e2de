#ifndef CALLSCOPE_CPCAP_SHIM_H
#define CALLSCOPE_CPCAP_SHIM_H
#include <pcap/pcap.h>
#endif
