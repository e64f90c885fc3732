// A Stryker ignorer: no mutants in the message argument of `assert(condition, message)`. The message is the
// text of an InvariantViolation; changing it changes no behaviour of the core, only what a crash reads like,
// so every such mutant would survive as an equivalent. The condition is still mutated.
import { declareValuePlugin, PluginKind } from '@stryker-mutator/api/plugin';

const assertMessages = {
  shouldIgnore(path) {
    const call = path.parentPath;
    const isAssertMessage =
      path.listKey === 'arguments' &&
      path.key === 1 &&
      call?.isCallExpression() === true &&
      call.node.callee.type === 'Identifier' &&
      call.node.callee.name === 'assert';
    return isAssertMessage ? 'the message of an assertion: text only, no behaviour' : undefined;
  },
};

export const strykerPlugins = [declareValuePlugin(PluginKind.Ignore, 'assertMessages', assertMessages)];
