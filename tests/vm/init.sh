#!/bin/busybox sh
# PID 1 of the test VM: load virtio/9p, mount the host's root read-only,
# run the job in a chroot of it, report its status on the console.
/bin/busybox --install -s /bin
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev
# modules built into a debug kernel simply are not in the list
for m in $(cat /lib/modules/order 2>/dev/null); do
	insmod "/lib/modules/$m" 2>/dev/null
done
R=/mnt
if ! mount -t 9p -o trans=virtio,version=9p2000.L,msize=512000,ro root $R; then
	echo "KSTAMP-VM-ERROR: cannot mount the host root over 9p"
	reboot -f
fi
mount -t tmpfs tmp $R/tmp
mount -t tmpfs run $R/run
mount -t proc proc $R/proc
mount -t sysfs sys $R/sys
mount -t devtmpfs dev $R/dev
mkdir -p $R/dev/pts $R/dev/shm $R/run/job
mount -t devpts devpts $R/dev/pts
mount -t tmpfs shm $R/dev/shm
mount -t 9p -o trans=virtio,version=9p2000.L,msize=512000 job $R/run/job
# the caller's directory comes as its own share: under /tmp or /run (a CI
# clone, say) the tmpfs mounts above would hide it
CWD=$(cat $R/run/job/cwd)
if [ "$CWD" != / ]; then
	mkdir -p "$R$CWD" 2>/dev/null
	mount -t 9p -o trans=virtio,version=9p2000.L,msize=512000,ro cwd "$R$CWD"
fi
mount -t bpf bpf $R/sys/fs/bpf 2>/dev/null
# kernel messages stay in dmesg for the scan, off the test's output
echo 1 > /proc/sys/kernel/printk
hostname kstamp-vm
# The scan reads its own copy of the kernel log: a test's dmesg -C empties
# what dmesg shows, not what a reader of /dev/kmsg has seen. A reader that
# falls behind a flood of messages gets EPIPE and starts again from the
# oldest record (duplicates do no harm to a scan).
( while :; do cat /dev/kmsg >> /tmp.kmsg 2>/dev/null || sleep 1; done ) &
KMSG_PID=$!
# kernel errors count from here: boot messages are not the test's doing
MARK='kstamp-vm: test start'
echo "$MARK" > /dev/kmsg
echo
echo KSTAMP-VM-START
PAT='BUG:|WARNING:|KASAN|kmemleak: [0-9]+ new|Oops|Call Trace|general protection|refcount_t:|possible recursive locking|circular locking|suspicious RCU'
# ...but a kernel that is already tainted by a splat (B bad page or KASAN,
# D oops, W warning, L soft lockup) has turned lockdep off: what runs on
# it proves less than it claims, so the run fails before it starts
taint=$(cat /proc/sys/kernel/tainted)
if [ $((taint & 0x42a0)) != 0 ]; then
	echo "KSTAMP-VM: the kernel was tainted ($taint) at boot, before the test:"
	dmesg | grep -E "$PAT" | head -n 20 | sed 's/^/dmesg: /'
	rc=99
else
	chroot $R /usr/bin/env -i PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
		HOME=/root TERM=dumb CI="$(cat $R/run/job/ci 2>/dev/null)" \
		/bin/bash /run/job/cmd.sh < /dev/null 2>&1
	rc=$?
fi
chroot $R dmesg > /tmp.dmesg 2>/dev/null || dmesg > /tmp.dmesg
sleep 1
kill $KMSG_PID 2>/dev/null
cat /tmp.dmesg >> /tmp.kmsg
# from the first mark on (the copy starts with the boot messages)
sed -n "/$MARK/,\$p" /tmp.kmsg > /tmp.test
[ -s /tmp.test ] || cp /tmp.kmsg /tmp.test
if grep -qE "$PAT" /tmp.test; then
	echo "KSTAMP-VM: the kernel log has errors:"
	grep -E "$PAT" /tmp.test | head -n 20 | sed 's/^/dmesg: /'
	echo "KSTAMP-VM: the last 80 lines:"
	tail -n 80 /tmp.dmesg | sed 's/^/dmesg: /'
	[ $rc = 0 ] && rc=99
elif [ $rc != 0 ]; then
	tail -n 50 /tmp.dmesg | sed 's/^/dmesg: /'
fi
echo "KSTAMP-VM-EXIT=$rc"
sync
# QEMU runs with -no-reboot, so a reboot ends it; poweroff needs ACPI,
# which the debug kernel boots without (acpi=off) and would only halt
reboot -f
