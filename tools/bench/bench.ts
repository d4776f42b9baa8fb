export async function runBenchmarks(_o: { runs: number }): Promise<number> { return 0; }
