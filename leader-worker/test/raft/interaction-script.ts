// A tiny interpreter for scripted interaction tests, after etcd-io/raft's testdata: a script of commands
// drives a TestCluster, and the output (every message the network handled, and what commands returned)
// is compared with an expected transcript, so protocol behaviour can be reviewed line by line.
//
// Commands, one per line ('#' starts a comment):
//   elect <id>                tick <id> until it campaigns, then deliver everything until it leads
//   propose <id> <text>       propose a command on <id>
//   read <id> <context>       ask <id> for a linearizable read
//   transfer <leader> <to>    ask <leader> to hand leadership to <to>
//   tick <id> [n]             n ticks of <id> (default 1); its messages are queued, not delivered
//   deliver                   deliver queued messages until the network is quiet
//   isolate <id> | cut <from> <to> | heal
//   crash <id>                restart <id> from its persisted state
//   status [<id>...]          one line per node: role, term, leader, commit, last index
//   quiet <command>           run <command> without printing its messages (for set-up steps)
import { describeMessage } from '../../src/raft/describe-message.js';
import type { NodeId } from '../../src/raft/types.js';
import { TestCluster, type ClusterOptions } from './test-cluster.js';

export function runScript(ids: readonly NodeId[], script: string, options: ClusterOptions = {}): string {
  const cluster = new TestCluster(ids, options);
  const output: string[] = [];
  for (const rawLine of script.split('\n')) {
    const line = rawLine.replace(/#.*/, '').trim();
    if (line === '') continue;
    output.push(`> ${line}`);
    const words = line.split(/\s+/);
    const quiet = words[0] === 'quiet';
    const deliveredBefore = cluster.deliveries.length;
    const result = runCommand(cluster, quiet ? words.slice(1) : words);
    if (quiet) continue;
    for (const { message, outcome } of cluster.deliveries.slice(deliveredBefore)) {
      output.push(`  ${describeMessage(message)}${outcome === 'delivered' ? '' : ` (${outcome})`}`);
    }
    for (const resultLine of result) output.push(`  ${resultLine}`);
  }
  return output.join('\n');
}

function runCommand(cluster: TestCluster, words: readonly string[]): string[] {
  const [name, first, second] = words;
  switch (name) {
    case 'elect':
      cluster.elect(required(first));
      return [];
    case 'propose': {
      const result = cluster.propose(required(first), words.slice(2).join(' '));
      return [JSON.stringify(result)];
    }
    case 'read': {
      const result = cluster.raft(required(first)).readIndex(required(second));
      cluster.process(required(first));
      return [JSON.stringify(result)];
    }
    case 'transfer': {
      const result = cluster.raft(required(first)).transferLeadership(required(second));
      cluster.process(required(first));
      return [JSON.stringify(result)];
    }
    case 'tick':
      cluster.tick(required(first), second === undefined ? 1 : Number(second));
      return [];
    case 'deliver':
      cluster.deliverAll();
      return [];
    case 'isolate':
      cluster.isolate(required(first));
      return [];
    case 'cut':
      cluster.cutLink(required(first), required(second));
      return [];
    case 'heal':
      cluster.heal();
      return [];
    case 'crash':
      cluster.crashAndRestart(required(first));
      return [];
    case 'status':
      return (words.length > 1 ? words.slice(1) : cluster.ids).map((id) => describeNode(cluster, id));
    default:
      throw new Error(`unknown script command: ${words.join(' ')}`);
  }
}

function required(word: string | undefined): string {
  if (word === undefined) throw new Error('a script command is missing an argument');
  return word;
}

function describeNode(cluster: TestCluster, id: NodeId): string {
  const status = cluster.raft(id).status();
  const readStates = cluster.node(id).readStates.map((state) => `${state.readContext}@${state.index}`);
  const reads = readStates.length > 0 ? ` reads=[${readStates.join(' ')}]` : '';
  return `${id}: ${status.role} t${status.term} leader=${status.leaderId ?? '-'} commit=${status.commitIndex} last=${status.lastIndex} applied=[${cluster.appliedCommands(id).join(' ')}]${reads}`;
}

