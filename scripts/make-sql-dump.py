#!/usr/bin/env python3
"""Writes a large mysqldump of the Asterisk realtime `cdr` or `queue_log` table for timing the
dump readers (scripts/bench-cdr.sh FORMAT=sql|queue-log-sql).

    scripts/make-sql-dump.py cdr 1000000 > cdr.sql
    scripts/make-sql-dump.py queue_log 1000000 > queue_log.sql

The layout is the one of the public corpus dumps (MalariaPBX baseAsterisk, mysqldump 8): the
CREATE TABLE, then extended INSERTs of 1000 tuples per line. Calls are simple: a caller, a queue
or a direct dial, answered, busy or not answered, one second apart; caller ids carry the `\\"`
escapes that Asterisk's `"Name" <number>` form gets in a dump.
"""
import sys
import time

CDR_CREATE = """CREATE TABLE `cdr` (
  `accountcode` varchar(80) DEFAULT NULL,
  `src` varchar(80) DEFAULT NULL,
  `dst` varchar(80) DEFAULT NULL,
  `dcontext` varchar(80) DEFAULT NULL,
  `clid` varchar(80) DEFAULT NULL,
  `channel` varchar(80) DEFAULT NULL,
  `dstchannel` varchar(80) DEFAULT NULL,
  `lastapp` varchar(80) DEFAULT NULL,
  `lastdata` varchar(80) DEFAULT NULL,
  `start` datetime DEFAULT NULL,
  `answer` datetime DEFAULT NULL,
  `end` datetime DEFAULT NULL,
  `duration` int DEFAULT NULL,
  `billsec` int DEFAULT NULL,
  `disposition` varchar(45) DEFAULT NULL,
  `amaflags` varchar(45) DEFAULT NULL,
  `userfield` varchar(256) DEFAULT NULL,
  `uniqueid` varchar(150) DEFAULT NULL,
  `linkedid` varchar(150) DEFAULT NULL,
  `peeraccount` varchar(80) DEFAULT NULL,
  `sequence` int DEFAULT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_0900_ai_ci;
"""

QUEUE_LOG_CREATE = """CREATE TABLE `queue_log` (
  `id` bigint unsigned NOT NULL AUTO_INCREMENT,
  `time` varchar(26) NOT NULL DEFAULT '',
  `callid` varchar(40) NOT NULL DEFAULT '',
  `queuename` varchar(20) NOT NULL DEFAULT '',
  `agent` varchar(40) NOT NULL DEFAULT '',
  `event` varchar(20) NOT NULL DEFAULT '',
  `data1` varchar(100) NOT NULL DEFAULT '',
  `data2` varchar(100) NOT NULL DEFAULT '',
  `data3` varchar(100) NOT NULL DEFAULT '',
  `data4` varchar(100) NOT NULL DEFAULT '',
  `data5` varchar(100) NOT NULL DEFAULT '',
  PRIMARY KEY (`id`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_0900_ai_ci;
"""

BASE = 1675555752  # 2023-02-05 00:09:12 UTC


def wall(epoch):
    return time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(epoch))


def cdr_tuple(i):
    start = BASE + i
    caller = 200 + i % 50
    kind = i % 4
    uid = f"{start}.{i}"
    if kind == 3:
        return (f"(NULL,'{caller}','1000','internal','\\\"\\\" <{caller}>','PJSIP/{caller}-{i:08x}',"
                f"'PJSIP/400-{i:08x}','Dial','PJSIP/400,20','{wall(start)}',NULL,'{wall(start + 20)}',"
                f"20,0,'NO ANSWER','DOCUMENTATION','','{uid}','{uid}','',{i})")
    if kind == 2:
        return (f"(NULL,'{caller}','1000','internal','\\\"\\\" <{caller}>','PJSIP/{caller}-{i:08x}',"
                f"'PJSIP/400-{i:08x}','Dial','PJSIP/400,20','{wall(start)}',NULL,'{wall(start + 2)}',"
                f"2,0,'BUSY','DOCUMENTATION','','{uid}','{uid}','',{i})")
    return (f"(NULL,'{caller}','1000','internal','\\\"O\\'Brien\\\" <{caller}>','PJSIP/{caller}-{i:08x}',"
            f"'PJSIP/400-{i:08x}','Queue','Support,,,,20','{wall(start)}','{wall(start + 3)}','{wall(start + 63)}',"
            f"63,60,'ANSWERED','DOCUMENTATION','','{uid}','{uid}','',{i})")


def queue_log_tuples(i, n):
    start = BASE + 10 * i
    callid = f"{start}.{i}"
    caller = 200 + i % 50
    rows = [(start, callid, 'Support', 'NONE', 'ENTERQUEUE', '', str(caller), '1', '', '')]
    if i % 3 == 2:
        rows.append((start + 9, callid, 'Support', 'NONE', 'ABANDON', '1', '1', '9', '', ''))
    else:
        rows.append((start + 4, callid, 'Support', 'PJSIP/400', 'CONNECT', '4', f"{start + 4}.{i}", '3', '', ''))
        rows.append((start + 9, callid, 'Support', 'PJSIP/400', 'COMPLETECALLER', '4', '5', '1', '', ''))
    out = []
    for k, (t, c, q, a, e, d1, d2, d3, d4, d5) in enumerate(rows):
        out.append(f"({n + k},'{wall(t)}','{c}','{q}','{a}','{e}','{d1}','{d2}','{d3}','{d4}',{'NULL' if d5 == '' else repr(d5)})")
    return out


def main():
    if len(sys.argv) != 3 or sys.argv[1] not in ("cdr", "queue_log"):
        sys.exit("usage: make-sql-dump.py cdr|queue_log ROWS")
    table, rows = sys.argv[1], int(sys.argv[2])
    out = sys.stdout
    out.write("-- MySQL dump 10.13  Distrib 8.0.32, for Linux (x86_64)\n--\n-- Host: localhost    Database: asterisk\n\n")
    out.write(f"DROP TABLE IF EXISTS `{table}`;\n")
    out.write(CDR_CREATE if table == "cdr" else QUEUE_LOG_CREATE)
    out.write(f"\nLOCK TABLES `{table}` WRITE;\n")
    batch = []
    written = 0
    i = 0
    while written < rows:
        if table == "cdr":
            batch.append(cdr_tuple(i))
            written += 1
        else:
            for t in queue_log_tuples(i, written + 1):
                if written < rows:
                    batch.append(t)
                    written += 1
        i += 1
        if len(batch) >= 1000:
            out.write(f"INSERT INTO `{table}` VALUES " + ",".join(batch) + ";\n")
            batch = []
    if batch:
        out.write(f"INSERT INTO `{table}` VALUES " + ",".join(batch) + ";\n")
    out.write("UNLOCK TABLES;\n")


main()
