// util.parseArgs, with Node's rules: short option groups (-abc), inline values (-fVALUE,
// --foo=bar), the '--' terminator, multiple/default/short options, allowNegative (--no-foo),
// strict mode errors and the tokens output.
import { ERR_INVALID_ARG_TYPE, ERR_INVALID_ARG_VALUE, nodeError, validateBoolean, validateObject } from './_errors.js';

function getOwn(obj, key) {
  return Object.hasOwn(obj, key) ? obj[key] : undefined;
}

function optionGet(options, longOption, prop) {
  const option = getOwn(options, longOption);
  return option === undefined ? undefined : getOwn(option, prop);
}

function findLongOptionForShort(shortOption, options) {
  for (const longOption of Object.keys(options)) {
    if (optionGet(options, longOption, 'short') === shortOption) return longOption;
  }
  return shortOption;
}

const isLoneShortOption = (arg) => arg.length === 2 && arg[0] === '-' && arg[1] !== '-';
const isLoneLongOption = (arg) => arg.length > 2 && arg.startsWith('--') && !arg.includes('=', 3);
const isLongOptionAndValue = (arg) => arg.length > 2 && arg.startsWith('--') && arg.includes('=', 3);
const isOptionValue = (value) => value != null;
const isOptionLikeValue = (value) => value != null && value.length > 1 && value[0] === '-';

function isShortOptionGroup(arg, options) {
  if (arg.length <= 2 || arg[0] !== '-' || arg[1] === '-') return false;
  return optionGet(options, findLongOptionForShort(arg[1], options), 'type') !== 'string';
}

function isShortOptionAndValue(arg, options) {
  if (arg.length <= 2 || arg[0] !== '-' || arg[1] === '-') return false;
  return optionGet(options, findLongOptionForShort(arg[1], options), 'type') === 'string';
}

function parseError(code, message) {
  return nodeError(TypeError, code, message);
}

function shortAndLong(longOption, options) {
  const short = optionGet(options, longOption, 'short');
  return short === undefined ? `--${longOption}` : `-${short}, --${longOption}`;
}

function argsTokenizer(args, options) {
  const tokens = [];
  let index = -1;
  let groupCount = 0;
  const remaining = args.slice();
  while (remaining.length > 0) {
    const arg = remaining.shift();
    const nextArg = remaining[0];
    if (groupCount > 0) groupCount--;
    else index++;

    if (arg === '--') {
      tokens.push({ kind: 'option-terminator', index });
      for (const value of remaining) tokens.push({ kind: 'positional', index: ++index, value });
      break;
    }
    if (isLoneShortOption(arg)) {
      const shortOption = arg[1];
      const longOption = findLongOptionForShort(shortOption, options);
      let value;
      let inlineValue;
      if (optionGet(options, longOption, 'type') === 'string' && isOptionValue(nextArg)) {
        value = remaining.shift();
        inlineValue = false;
      }
      tokens.push({ kind: 'option', name: longOption, rawName: arg, index, value, inlineValue });
      if (value != null) ++index;
      continue;
    }
    if (isShortOptionGroup(arg, options)) {
      const expanded = [];
      for (let i = 1; i < arg.length; i++) {
        const shortOption = arg[i];
        const longOption = findLongOptionForShort(shortOption, options);
        if (optionGet(options, longOption, 'type') !== 'string' || i === arg.length - 1) {
          expanded.push(`-${shortOption}`);
        } else {
          expanded.push(`-${arg.slice(i)}`);
          break;
        }
      }
      remaining.unshift(...expanded);
      groupCount = expanded.length;
      continue;
    }
    if (isShortOptionAndValue(arg, options)) {
      const shortOption = arg[1];
      const longOption = findLongOptionForShort(shortOption, options);
      tokens.push({ kind: 'option', name: longOption, rawName: `-${shortOption}`, index, value: arg.slice(2), inlineValue: true });
      continue;
    }
    if (isLoneLongOption(arg)) {
      const longOption = arg.slice(2);
      let value;
      let inlineValue;
      if (optionGet(options, longOption, 'type') === 'string' && isOptionValue(nextArg)) {
        value = remaining.shift();
        inlineValue = false;
      }
      tokens.push({ kind: 'option', name: longOption, rawName: arg, index, value, inlineValue });
      if (value != null) ++index;
      continue;
    }
    if (isLongOptionAndValue(arg)) {
      const equal = arg.indexOf('=');
      const longOption = arg.slice(2, equal);
      tokens.push({ kind: 'option', name: longOption, rawName: `--${longOption}`, index, value: arg.slice(equal + 1), inlineValue: true });
      continue;
    }
    tokens.push({ kind: 'positional', index, value: arg });
  }
  return tokens;
}

function checkOptionUsage(config, token) {
  if (!Object.hasOwn(config.options, token.name)) {
    const suggestion = config.allowPositionals ? `. To specify a positional argument starting with a '-', place it at the end of the command after '--', as in '-- ${JSON.stringify(token.rawName)}` : '';
    throw parseError('ERR_PARSE_ARGS_UNKNOWN_OPTION', `Unknown option '${token.rawName}'${suggestion}`);
  }
  const name = shortAndLong(token.name, config.options);
  if (config.options[token.name].type === 'string' && typeof token.value !== 'string') {
    throw parseError('ERR_PARSE_ARGS_INVALID_OPTION_VALUE', `Option '${name} <value>' argument missing`);
  }
  if (config.options[token.name].type === 'boolean' && token.value != null) {
    throw parseError('ERR_PARSE_ARGS_INVALID_OPTION_VALUE', `Option '${name}' does not take an argument`);
  }
}

function checkOptionLikeValue(token) {
  if (!token.inlineValue && isOptionLikeValue(token.value)) {
    const example = token.rawName.startsWith('--') ? `'${token.rawName}=-XYZ'` : `'--${token.name}=-XYZ' or '${token.rawName}-XYZ'`;
    const errorMessage = `Option '${token.rawName}' argument is ambiguous.\nDid you forget to specify the option argument for '${token.rawName}'?\nTo specify an option argument starting with a dash use ${example}.`;
    throw parseError('ERR_PARSE_ARGS_INVALID_OPTION_VALUE', errorMessage);
  }
}

function storeOption(longOption, optionValue, options, values) {
  if (longOption === '__proto__') return;
  const newValue = optionValue ?? true;
  if (optionGet(options, longOption, 'multiple')) {
    if (values[longOption] === undefined) values[longOption] = [newValue];
    else values[longOption].push(newValue);
  } else {
    values[longOption] = newValue;
  }
}

export function parseArgs(config = {}) {
  const args = getOwn(config, 'args') ?? [];
  const strict = getOwn(config, 'strict') ?? true;
  const allowPositionals = getOwn(config, 'allowPositionals') ?? !strict;
  const returnTokens = getOwn(config, 'tokens') ?? false;
  const allowNegative = getOwn(config, 'allowNegative') ?? false;
  const options = getOwn(config, 'options') ?? { __proto__: null };
  const parseConfig = { args, strict, options, allowPositionals, allowNegative };

  if (!Array.isArray(args) || args.some((a) => typeof a !== 'string')) throw ERR_INVALID_ARG_TYPE('args', 'Array', args);
  validateBoolean(strict, 'strict');
  validateBoolean(allowPositionals, 'allowPositionals');
  validateBoolean(returnTokens, 'tokens');
  validateBoolean(allowNegative, 'allowNegative');
  validateObject(options, 'options');
  for (const [longOption, optionConfig] of Object.entries(options)) {
    validateObject(optionConfig, `options.${longOption}`);
    const type = getOwn(optionConfig, 'type');
    if (type !== 'string' && type !== 'boolean') throw ERR_INVALID_ARG_VALUE(`options.${longOption}.type`, type, "must be one of: 'string', 'boolean'");
    if (Object.hasOwn(optionConfig, 'short')) {
      const short = optionConfig.short;
      if (typeof short !== 'string') throw ERR_INVALID_ARG_TYPE(`options.${longOption}.short`, 'string', short);
      if (short.length !== 1) throw ERR_INVALID_ARG_VALUE(`options.${longOption}.short`, short, 'must be a single character');
    }
    const multiple = getOwn(optionConfig, 'multiple');
    if (multiple !== undefined) validateBoolean(multiple, `options.${longOption}.multiple`);
    const defaultValue = getOwn(optionConfig, 'default');
    if (defaultValue !== undefined) {
      const valid = multiple
        ? Array.isArray(defaultValue) && defaultValue.every((v) => typeof v === type)
        : typeof defaultValue === type;
      if (!valid) throw ERR_INVALID_ARG_TYPE(`options.${longOption}.default`, multiple ? `Array` : type, defaultValue);
    }
  }

  const tokens = argsTokenizer(args, options);
  const result = { values: { __proto__: null }, positionals: [] };
  if (returnTokens) result.tokens = tokens;

  for (const token of tokens) {
    if (token.kind === 'option') {
      if (allowNegative && token.name.startsWith('no-')) {
        const positive = token.name.slice(3);
        if (optionGet(options, positive, 'type') === 'boolean') {
          if (token.value !== undefined) {
            if (strict) throw parseError('ERR_PARSE_ARGS_INVALID_OPTION_VALUE', `Option '--${token.name}' does not take an argument`);
          }
          storeOption(positive, false, options, result.values);
          continue;
        }
      }
      if (strict) {
        checkOptionUsage(parseConfig, token);
        checkOptionLikeValue(token);
      }
      storeOption(token.name, token.value, options, result.values);
    } else if (token.kind === 'positional') {
      if (!allowPositionals) {
        throw parseError('ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL', `Unexpected argument '${token.value}'. This command does not take positional arguments`);
      }
      result.positionals.push(token.value);
    }
  }

  for (const longOption of Object.keys(options)) {
    const defaultValue = optionGet(options, longOption, 'default');
    if (defaultValue !== undefined && result.values[longOption] === undefined) {
      result.values[longOption] = Array.isArray(defaultValue) ? defaultValue.slice() : defaultValue;
    }
  }
  return result;
}
