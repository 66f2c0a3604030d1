// The built-in scenario names, for `sandbox --scenario <TAB>`: the sandbox package is reached only from the
// sandbox and demo commands, and lazily, so completing anything else never loads it.

export async function scenarioNames(): Promise<string[]> {
  return (await import('@sts-inspect/sandbox')).listScenarios();
}
