using System.Buffers.Binary;
using System.Numerics;
using System.Text;

namespace OnnxVideo.Onnx.Checkpoints;

/// <summary>
/// A pickle machine for state dicts and nothing more. It implements the opcodes that <c>torch.save</c> writes for a
/// state dict (protocols 2 to 5): constants, tuples, lists, dicts, the memo, persistent ids, and GLOBAL/REDUCE/BUILD
/// restricted to <see cref="TorchPickleGlobals"/>. Globals are names compared with an allow-list, never resolved, so
/// nothing is imported or executed; every other opcode is refused with an <see cref="UnsafePickleException"/>.
/// It never recurses, and every length is checked against the bytes that remain, so a hostile pickle costs at most
/// its own size plus the stack and memo caps of <see cref="TorchCheckpointLimits"/>.
/// </summary>
internal sealed class RestrictedUnpickler
{
    private const int HighestProtocol = 5;
    private const int MaxGlobalNameLength = 256;

    private static readonly UTF8Encoding StrictUtf8 = new(false, throwOnInvalidBytes: true);

    private readonly byte[] _data;
    private readonly int _end;
    private readonly string _source;
    private readonly TorchCheckpointLimits _limits;
    private readonly List<object?> _stack = [];
    private readonly List<int> _marks = [];
    private readonly Dictionary<long, object?> _memo = [];
    private Func<object?, object>? _persistentLoad;
    private int _pos;

    /// <param name="data">Holds the pickle (or, in a legacy checkpoint, several pickles in a row) from
    /// <paramref name="start"/> to <paramref name="end"/>.</param>
    public RestrictedUnpickler(byte[] data, int start, int end, string source, TorchCheckpointLimits limits)
    {
        _data = data;
        _pos = start;
        _end = end;
        _source = source;
        _limits = limits;
    }

    /// <summary>Where the next pickle starts once <see cref="Load"/> has returned.</summary>
    public int Position => _pos;

    /// <summary>
    /// Runs one pickle up to its STOP and returns its value. <paramref name="persistentLoad"/> turns a persistent id
    /// (BINPERSID) into a value; without it a persistent id is a format error.
    /// </summary>
    public object? Load(Func<object?, object>? persistentLoad = null)
    {
        _persistentLoad = persistentLoad;
        _stack.Clear();
        _marks.Clear();
        _memo.Clear();
        while (true)
        {
            var offset = _pos;
            var op = (PickleOpcode)ReadByte();
            if (op == PickleOpcode.Stop)
            {
                return Finish(offset);
            }
            if (!(TryConstant(op) || TryContainer(op, offset) || TryMemo(op, offset) || TryCall(op, offset)))
            {
                throw Refuse(op, offset);
            }
            if (_stack.Count > _limits.MaxStackItems)
            {
                throw Malformed($"the pickle's stack grows past {_limits.MaxStackItems} items (at byte {offset})");
            }
        }
    }

    private object? Finish(int offset)
    {
        if (_stack.Count != 1 || _marks.Count != 0)
        {
            throw Malformed($"STOP at byte {offset} with {_stack.Count} values and {_marks.Count} marks on the stack (one value expected)");
        }
        return _stack[0];
    }

    private bool TryConstant(PickleOpcode op)
    {
        switch (op)
        {
            case PickleOpcode.Proto:
                var protocol = ReadByte();
                if (protocol > HighestProtocol)
                {
                    throw Malformed($"pickle protocol {protocol} is newer than {HighestProtocol}");
                }
                return true;
            case PickleOpcode.Frame: ReadBytes(8); return true;
            case PickleOpcode.None: Push(null); return true;
            case PickleOpcode.NewTrue: Push(true); return true;
            case PickleOpcode.NewFalse: Push(false); return true;
            case PickleOpcode.BinInt: Push((long)BinaryPrimitives.ReadInt32LittleEndian(ReadBytes(4))); return true;
            case PickleOpcode.BinInt1: Push((long)ReadByte()); return true;
            case PickleOpcode.BinInt2: Push((long)BinaryPrimitives.ReadUInt16LittleEndian(ReadBytes(2))); return true;
            case PickleOpcode.Long1: Push(ReadLong(ReadByte())); return true;
            case PickleOpcode.BinFloat: Push(BinaryPrimitives.ReadDoubleBigEndian(ReadBytes(8))); return true;
            case PickleOpcode.ShortBinUnicode: Push(ReadUtf8(ReadByte())); return true;
            case PickleOpcode.BinUnicode: Push(ReadUtf8(BinaryPrimitives.ReadUInt32LittleEndian(ReadBytes(4)))); return true;
            case PickleOpcode.BinUnicode8: Push(ReadUtf8(BinaryPrimitives.ReadUInt64LittleEndian(ReadBytes(8)))); return true;
            case PickleOpcode.ShortBinString: Push(Encoding.Latin1.GetString(ReadBytes(ReadByte()))); return true;
            case PickleOpcode.BinString: Push(Encoding.Latin1.GetString(ReadBytes(BinaryPrimitives.ReadInt32LittleEndian(ReadBytes(4))))); return true;
            case PickleOpcode.ShortBinBytes: Push(ReadBytes(ReadByte()).ToArray()); return true;
            case PickleOpcode.BinBytes: Push(ReadBytes(BinaryPrimitives.ReadUInt32LittleEndian(ReadBytes(4))).ToArray()); return true;
            case PickleOpcode.BinBytes8: Push(ReadBytes(BinaryPrimitives.ReadUInt64LittleEndian(ReadBytes(8))).ToArray()); return true;
            default: return false;
        }
    }

    private bool TryContainer(PickleOpcode op, int offset)
    {
        switch (op)
        {
            case PickleOpcode.Mark:
                if (_marks.Count >= _limits.MaxNesting)
                {
                    throw Malformed($"values nest deeper than {_limits.MaxNesting} levels (MARK at byte {offset})");
                }
                _marks.Add(_stack.Count);
                return true;
            case PickleOpcode.EmptyTuple: Push(Array.Empty<object?>()); return true;
            case PickleOpcode.EmptyList: Push(new List<object?>()); return true;
            case PickleOpcode.EmptyDict: Push(new PickleDict()); return true;
            case PickleOpcode.Tuple: Push(PopMark(offset).ToArray()); return true;
            case PickleOpcode.Tuple1: Push(PopValues(1, offset)); return true;
            case PickleOpcode.Tuple2: Push(PopValues(2, offset)); return true;
            case PickleOpcode.Tuple3: Push(PopValues(3, offset)); return true;
            case PickleOpcode.List: Push(PopMark(offset)); return true;
            case PickleOpcode.Dict: Push(FillDict(new PickleDict(), PopMark(offset), offset)); return true;
            case PickleOpcode.Append: Top<List<object?>>(op, offset, 1).Add(Pop(offset)); return true;
            case PickleOpcode.Appends:
                var items = PopMark(offset);
                Top<List<object?>>(op, offset, 0).AddRange(items);
                return true;
            case PickleOpcode.SetItem:
                var pair = PopValues(2, offset);
                FillDict(Top<PickleDict>(op, offset, 0), pair, offset);
                return true;
            case PickleOpcode.SetItems:
                var pairs = PopMark(offset);
                FillDict(Top<PickleDict>(op, offset, 0), pairs, offset);
                return true;
            case PickleOpcode.Pop: Pop(offset); return true;
            default: return false;
        }
    }

    private bool TryMemo(PickleOpcode op, int offset)
    {
        switch (op)
        {
            case PickleOpcode.BinPut: Memo(ReadByte(), offset); return true;
            case PickleOpcode.LongBinPut: Memo(BinaryPrimitives.ReadUInt32LittleEndian(ReadBytes(4)), offset); return true;
            case PickleOpcode.Memoize: Memo(_memo.Count, offset); return true;
            case PickleOpcode.BinGet: Push(Recall(ReadByte(), offset)); return true;
            case PickleOpcode.LongBinGet: Push(Recall(BinaryPrimitives.ReadUInt32LittleEndian(ReadBytes(4)), offset)); return true;
            default: return false;
        }
    }

    private bool TryCall(PickleOpcode op, int offset)
    {
        switch (op)
        {
            case PickleOpcode.Global:
                var module = ReadLine(offset);
                Push(TorchPickleGlobals.Resolve(module, ReadLine(offset), _source));
                return true;
            case PickleOpcode.StackGlobal:
                var names = PopValues(2, offset);
                if (names[0] is not string stackModule || names[1] is not string stackName)
                {
                    throw Malformed($"STACK_GLOBAL at byte {offset} needs two strings");
                }
                Push(TorchPickleGlobals.Resolve(stackModule, stackName, _source));
                return true;
            case PickleOpcode.BinPersId:
                var id = Pop(offset);
                Push((_persistentLoad ?? throw Malformed($"unexpected persistent id at byte {offset}"))(id));
                return true;
            case PickleOpcode.Reduce:
            case PickleOpcode.NewObj:
                var args = Pop(offset) as object?[] ?? throw Malformed($"{Name(op)} at byte {offset} needs an argument tuple");
                var callable = Pop(offset) as PickleGlobal ?? throw Malformed($"{Name(op)} at byte {offset} calls a value that is not a global");
                Push(op == PickleOpcode.Reduce
                    ? TorchPickleGlobals.Call(callable, args, _source, _limits)
                    : TorchPickleGlobals.New(callable, args, _source));
                return true;
            case PickleOpcode.Build:
                var state = Pop(offset);
                TorchPickleGlobals.Build(Top<object>(op, offset, 0), state, _source);
                return true;
            default: return false;
        }
    }

    private Exception Refuse(PickleOpcode op, int offset) => Enum.IsDefined(op)
        ? new UnsafePickleException(_source, Name(op), $"the pickle uses opcode {Name(op)} (at byte {offset}), which a state dict does not need")
        : Malformed($"unknown pickle opcode 0x{(byte)op:x2} at byte {offset}");

    private static string Name(PickleOpcode op) => op switch
    {
        PickleOpcode.NewObj => "NEWOBJ",
        PickleOpcode.NewObjEx => "NEWOBJ_EX",
        PickleOpcode.StackGlobal => "STACK_GLOBAL",
        _ => op.ToString().ToUpperInvariant(),
    };

    private PickleDict FillDict(PickleDict dict, IReadOnlyList<object?> flat, int offset)
    {
        if (flat.Count % 2 != 0)
        {
            throw Malformed($"odd number of values for a dict at byte {offset}");
        }
        for (var i = 0; i < flat.Count; i += 2)
        {
            var key = flat[i] ?? throw Malformed($"a dict key is None (byte {offset})");
            dict.Set(key, flat[i + 1]);
        }
        return dict;
    }

    private void Memo(long index, int offset)
    {
        if (_stack.Count == 0)
        {
            throw Malformed($"memo store with an empty stack at byte {offset}");
        }
        if (!_memo.ContainsKey(index) && _memo.Count >= _limits.MaxMemoEntries)
        {
            throw Malformed($"the memo grows past {_limits.MaxMemoEntries} entries (at byte {offset})");
        }
        _memo[index] = _stack[^1];
    }

    private object? Recall(long index, int offset) =>
        _memo.TryGetValue(index, out var value) ? value : throw Malformed($"memo entry {index} read at byte {offset} was never stored");

    private void Push(object? value) => _stack.Add(value);

    private object? Pop(int offset)
    {
        if (_stack.Count == 0 || (_marks.Count > 0 && _stack.Count == _marks[^1]))
        {
            throw Malformed($"stack underflow at byte {offset}");
        }
        var value = _stack[^1];
        _stack.RemoveAt(_stack.Count - 1);
        return value;
    }

    private object?[] PopValues(int count, int offset)
    {
        var values = new object?[count];
        for (var i = count - 1; i >= 0; i--)
        {
            values[i] = Pop(offset);
        }
        return values;
    }

    private List<object?> PopMark(int offset)
    {
        if (_marks.Count == 0)
        {
            throw Malformed($"no MARK for the opcode at byte {offset}");
        }
        var start = _marks[^1];
        _marks.RemoveAt(_marks.Count - 1);
        var items = _stack.GetRange(start, _stack.Count - start);
        _stack.RemoveRange(start, _stack.Count - start);
        return items;
    }

    /// <summary>The value <paramref name="depth"/> below the top, which <paramref name="op"/> modifies in place.</summary>
    private T Top<T>(PickleOpcode op, int offset, int depth) where T : class
    {
        var floor = _marks.Count > 0 ? _marks[^1] : 0;
        var index = _stack.Count - 1 - depth;
        if (index < floor)
        {
            throw Malformed($"stack underflow at byte {offset}");
        }
        return _stack[index] as T ?? throw Malformed($"{Name(op)} at byte {offset} applies to a {PickleValues.Describe(_stack[index])}");
    }

    private byte ReadByte()
    {
        if (_pos >= _end)
        {
            throw Malformed("the pickle ends without STOP (truncated)");
        }
        return _data[_pos++];
    }

    private ReadOnlySpan<byte> ReadBytes(ulong count)
    {
        if (count > (ulong)(_end - _pos))
        {
            throw Malformed($"a value of {count} bytes at byte {_pos} runs past the end of the pickle ({_end} bytes)");
        }
        var span = _data.AsSpan(_pos, (int)count);
        _pos += (int)count;
        return span;
    }

    private ReadOnlySpan<byte> ReadBytes(long count) =>
        count < 0 ? throw Malformed($"negative length {count} at byte {_pos}") : ReadBytes((ulong)count);

    private string ReadUtf8(ulong count)
    {
        try
        {
            return StrictUtf8.GetString(ReadBytes(count));
        }
        catch (DecoderFallbackException)
        {
            throw Malformed($"a string before byte {_pos} is not valid UTF-8");
        }
    }

    private object ReadLong(int byteCount)
    {
        var bytes = ReadBytes(byteCount);
        var value = new BigInteger(bytes, isUnsigned: false, isBigEndian: false);
        return value >= long.MinValue && value <= long.MaxValue ? (object)(long)value : value;
    }

    private string ReadLine(int offset)
    {
        var start = _pos;
        var newline = Array.IndexOf(_data, (byte)'\n', start, Math.Min(_end - start, MaxGlobalNameLength + 1));
        if (newline < 0)
        {
            throw Malformed($"GLOBAL at byte {offset} names no module or name of at most {MaxGlobalNameLength} characters");
        }
        _pos = newline + 1;
        var text = Encoding.ASCII.GetString(_data, start, newline - start);
        if (text.Length == 0 || text.Any(c => c < 0x20 || c > 0x7e))
        {
            throw Malformed($"GLOBAL at byte {offset} has an empty or non-printable name");
        }
        return text;
    }

    private TorchCheckpointException Malformed(string problem) => new(_source, problem);
}
