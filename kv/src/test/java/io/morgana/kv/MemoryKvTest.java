package io.morgana.kv;

import io.morgana.api.KvRw;

class MemoryKvTest extends KvContract {
    @Override KvRw store() { return new MemoryKv(); }
}
