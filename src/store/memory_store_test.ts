import { MemorySymbolStore } from "./memory_store.ts";
import { runStoreContract } from "./store_contract.ts";

runStoreContract("memory", () => new MemorySymbolStore());
