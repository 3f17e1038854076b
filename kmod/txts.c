// SPDX-License-Identifier: GPL-2.0
/*
 * Transmit stamps of replies, for Follow-Up Telemetry (RFC 8972 section
 * 4.7): the time a reply really left, which the next reply of its session
 * reports.
 *
 * T3 is written into a reply before ip_local_out(): the qdisc and the
 * driver come after it. The kernel records when a packet reached the
 * driver (skb_tx_timestamp(): the driver's software stamp) only for an skb
 * owned by a socket with SO_TIMESTAMPING, and hands the stamp back on that
 * socket's error queue. So each namespace that may answer statefully gets
 * one kernel UDP socket, never bound or connected, whose only use is to
 * own the replies of sessions that ask for Follow-Up Telemetry and collect
 * their stamps. Its error-report callback drains the queue as stamps
 * arrive (inline; from a work item when called with interrupts off) and
 * matches each stamp, by the tskey the reply was given (OPT_ID, OPT_TSONLY:
 * no copy of the packet), to a slot that names the session by its key and
 * the reply by its Seq. The session then keeps the last stamped reply's
 * Seq and time, and reply_seq() uses them when that reply is still the
 * session's last one; otherwise the reply's own T3 as before.
 *
 * Hardware transmit stamps are not asked for: a module cannot tell whether
 * a device's hardware transmit stamping is on (that is the driver's
 * SIOCSHWTSTAMP state), and several drivers (igb, ixgbe) stamp one packet
 * at a time, so asking on every reply would take that slot from ptp4l.
 *
 * Locking and lifetime: slots and the key counter under txts.lock, taken
 * with BH off; the session's stamp under its own lock. The socket lives
 * from stamp_txts_start() (process context, cfg_lock) until
 * stamp_txts_stop() in the namespace's pre_exit, which clears
 * sk_user_data and releases the socket (a released socket is dead: no
 * more callbacks); the core's synchronize_rcu() before .exit covers
 * callbacks still running, and stamp_txts_free() cancels the work item
 * before the sessions table goes. The socket's struct sock is held until
 * then, as hooks still running on other CPUs during pre_exit may charge a
 * reply to it; replies still queued keep it alive through their wmem
 * charge.
 */
#include <linux/errqueue.h>
#include <linux/net_tstamp.h>
#include <linux/skbuff.h>
#include <linux/slab.h>
#include <net/sock.h>

#include "stamp.h"

/* replies in flight at once whose stamps can still be matched */
#define TXTS_SLOTS 64

struct txts_slot {
	struct stamp_session_key key;
	u32 id;			/* the reply's tskey */
	u32 seq;		/* and its Seq */
	bool used;
};

struct stamp_txts {
	struct socket *sock;
	struct sock *sk;	/* held: outlives sock_release() */
	struct stamp_net *sn;
	struct work_struct work;	/* drains when called with IRQs off */
	spinlock_t lock;		/* next and slot[] */
	u32 next;
	struct txts_slot slot[TXTS_SLOTS];
};

/* A stamp for reply @id, taken at @real (CLOCK_REALTIME). */
static void txts_done(struct stamp_txts *tx, u32 id, ktime_t real)
{
	struct txts_slot *sl = &tx->slot[id % TXTS_SLOTS];
	struct stamp_session_table *t;
	struct stamp_session_key key;
	struct stamp_session *s;
	u32 seq;

	spin_lock(&tx->lock);
	if (!sl->used || sl->id != id) {
		spin_unlock(&tx->lock);
		return;
	}
	sl->used = false;
	key = sl->key;
	seq = sl->seq;
	spin_unlock(&tx->lock);

	t = rcu_dereference(tx->sn->sessions);
	s = t ? stamp_session_lookup(t, &key) : NULL;
	if (!s)
		return;
	spin_lock(&s->lock);
	s->tx_seq = seq;
	s->tx_real = real;
	s->tx_stamped = true;
	spin_unlock(&s->lock);
}

/* Under BH off and the RCU read lock. */
static void txts_drain(struct stamp_txts *tx)
{
	struct sock *sk = tx->sk;
	struct sock_exterr_skb *serr;
	struct sk_buff *skb;

	while ((skb = skb_dequeue(&sk->sk_error_queue))) {
		serr = SKB_EXT_ERR(skb);
		if (serr->ee.ee_origin == SO_EE_ORIGIN_TIMESTAMPING &&
		    serr->ee.ee_info == SCM_TSTAMP_SND && skb->tstamp)
			txts_done(tx, serr->ee.ee_data, skb->tstamp);
		consume_skb(skb);
	}
}

static void txts_work(struct work_struct *work)
{
	struct stamp_txts *tx = container_of(work, struct stamp_txts, work);

	local_bh_disable();
	rcu_read_lock();
	txts_drain(tx);
	rcu_read_unlock();
	local_bh_enable();
}

/*
 * sk_error_report: called by sock_queue_err_skb() where the driver gave
 * the stamp, usually its transmit path in softirq; some drivers give
 * stamps with interrupts off, where BH cannot be turned on again.
 */
static void txts_error_report(struct sock *sk)
{
	struct stamp_txts *tx;

	rcu_read_lock();
	tx = rcu_dereference_sk_user_data(sk);
	if (tx) {
		if (in_hardirq() || irqs_disabled()) {
			schedule_work(&tx->work);
		} else {
			local_bh_disable();
			txts_drain(tx);
			local_bh_enable();
		}
	}
	rcu_read_unlock();
}

/**
 * stamp_txts_start() - the namespace's transmit-stamp socket, if not yet
 * @net: the namespace
 * @sn: its state; caller holds sn->cfg_lock
 *
 * Without it (no memory) replies leave unstamped and Follow-Up Telemetry
 * reports each reply's T3, as it did before: nothing else depends on it.
 */
void stamp_txts_start(struct net *net, struct stamp_net *sn)
{
	int flags = SOF_TIMESTAMPING_TX_SOFTWARE | SOF_TIMESTAMPING_SOFTWARE |
		    SOF_TIMESTAMPING_OPT_ID | SOF_TIMESTAMPING_OPT_TSONLY;
	struct stamp_txts *tx;
	struct sock *sk;
	int err;

	if (rcu_access_pointer(sn->txts))
		return;
	tx = kzalloc(sizeof(*tx), GFP_KERNEL);
	if (!tx)
		goto err_alloc;
	err = sock_create_kern(net, AF_INET, SOCK_DGRAM, IPPROTO_UDP,
			       &tx->sock);
	if (err)
		goto err_sock;
	err = sock_setsockopt(tx->sock, SOL_SOCKET, SO_TIMESTAMPING_NEW,
			      KERNEL_SOCKPTR(&flags), sizeof(flags));
	if (err)
		goto err_opt;
	tx->sn = sn;
	spin_lock_init(&tx->lock);
	INIT_WORK(&tx->work, txts_work);
	sk = tx->sock->sk;
	sock_hold(sk);
	tx->sk = sk;
	write_lock_bh(&sk->sk_callback_lock);
	rcu_assign_sk_user_data(sk, tx);
	sk->sk_error_report = txts_error_report;
	write_unlock_bh(&sk->sk_callback_lock);
	rcu_assign_pointer(sn->txts, tx);
	return;

err_opt:
	sock_release(tx->sock);
err_sock:
	kfree(tx);
err_alloc:
	pr_warn_once("no transmit stamps for Follow-Up Telemetry: T3 instead\n");
}

/**
 * stamp_txts_own() - have a reply's transmission stamped
 * @sn: the namespace
 * @s: the reply's session
 * @seq: the reply's Seq
 * @skb: the reply, orphaned, before ip_local_out()
 *
 * Under the RCU read lock, BH off. A reply that cannot be charged to the
 * socket (its send buffer full: replies held in a long qdisc) leaves
 * unstamped.
 */
void stamp_txts_own(struct stamp_net *sn, struct stamp_session *s, u32 seq,
		    struct sk_buff *skb)
{
	struct stamp_txts *tx = rcu_dereference(sn->txts);
	struct txts_slot *sl;
	struct sock *sk;
	u32 id;

	if (!tx)
		return;
	sk = tx->sk;
	if (sk_wmem_alloc_get(sk) >= READ_ONCE(sk->sk_sndbuf))
		return;
	spin_lock(&tx->lock);
	id = tx->next++;
	sl = &tx->slot[id % TXTS_SLOTS];
	sl->key = s->key;
	sl->id = id;
	sl->seq = seq;
	sl->used = true;
	spin_unlock(&tx->lock);
	skb_set_owner_w(skb, sk);
	/* the socket's flow hash would put every reply on one TX queue */
	skb_clear_hash(skb);
	skb_shinfo(skb)->tskey = id;
	skb_shinfo(skb)->tx_flags |= SKBTX_SW_TSTAMP;
}

/**
 * stamp_txts_stop() - no more stamps: release the socket
 * @sn: the namespace, its hooks already unregistered
 *
 * Called from pre_exit; stamp_txts_free() follows after a grace period.
 */
void stamp_txts_stop(struct stamp_net *sn)
{
	struct stamp_txts *tx = rcu_dereference_protected(sn->txts, true);
	struct sock *sk;

	if (!tx)
		return;
	sk = tx->sk;
	write_lock_bh(&sk->sk_callback_lock);
	rcu_assign_sk_user_data(sk, NULL);
	write_unlock_bh(&sk->sk_callback_lock);
	sock_release(tx->sock);
}

/**
 * stamp_txts_free() - free the state once no callback can run
 * @sn: the namespace, after stamp_txts_stop() and a grace period
 */
void stamp_txts_free(struct stamp_net *sn)
{
	struct stamp_txts *tx = rcu_dereference_protected(sn->txts, true);

	if (!tx)
		return;
	cancel_work_sync(&tx->work);
	RCU_INIT_POINTER(sn->txts, NULL);
	/* the last stamps still queued go with the socket */
	sock_put(tx->sk);
	kfree(tx);
}
