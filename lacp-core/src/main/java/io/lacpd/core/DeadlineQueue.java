package io.lacpd.core;

import java.util.Arrays;

/**
 * Ports ordered by their next deadline: an indexed binary min-heap, so that a system with thousands of
 * ports finds the next due port and reschedules one in O(log n). Deadlines compare overflow-safely.
 */
final class DeadlineQueue {

    private AggregationPort[] heap = new AggregationPort[16];
    private int size;

    boolean isEmpty() {
        return size == 0;
    }

    AggregationPort peek() {
        return heap[0];
    }

    /** Puts the port in the queue at {@code deadline}, or moves it there. */
    void schedule(AggregationPort p, long deadline) {
        if (p.heapIndex < 0) {
            if (size == heap.length) {
                heap = Arrays.copyOf(heap, size * 2);
            }
            p.deadline = deadline;
            p.heapIndex = size;
            heap[size++] = p;
            up(p.heapIndex);
        } else {
            long old = p.deadline;
            p.deadline = deadline;
            if (deadline - old < 0) {
                up(p.heapIndex);
            } else {
                down(p.heapIndex);
            }
        }
    }

    void remove(AggregationPort p) {
        int i = p.heapIndex;
        if (i < 0) {
            return;
        }
        AggregationPort last = heap[--size];
        heap[size] = null;
        p.heapIndex = -1;
        if (i < size) {
            heap[i] = last;
            last.heapIndex = i;
            up(i);
            down(last.heapIndex);
        }
    }

    private void up(int i) {
        AggregationPort p = heap[i];
        while (i > 0) {
            int parent = (i - 1) >>> 1;
            AggregationPort q = heap[parent];
            if (p.deadline - q.deadline >= 0) {
                break;
            }
            heap[i] = q;
            q.heapIndex = i;
            i = parent;
        }
        heap[i] = p;
        p.heapIndex = i;
    }

    private void down(int i) {
        AggregationPort p = heap[i];
        int half = size >>> 1;
        while (i < half) {
            int child = 2 * i + 1;
            int right = child + 1;
            if (right < size && heap[right].deadline - heap[child].deadline < 0) {
                child = right;
            }
            if (heap[child].deadline - p.deadline >= 0) {
                break;
            }
            heap[i] = heap[child];
            heap[i].heapIndex = i;
            i = child;
        }
        heap[i] = p;
        p.heapIndex = i;
    }
}
