package io.lacpd.core;

/** The states of the Churn Detection machines, 802.1AX-2014 6.4.17, Figures 6-23 (actor) and 6-24 (partner). */
public enum ChurnState {
    NO_ACTOR_CHURN, ACTOR_CHURN_MONITOR, ACTOR_CHURN,
    NO_PARTNER_CHURN, PARTNER_CHURN_MONITOR, PARTNER_CHURN
}
