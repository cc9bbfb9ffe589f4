using System.Buffers.Binary;
using System.Text;

namespace OnnxVideo.Testing;

/// <summary>
/// Writes pickle opcodes by hand, for tests that need pickles Python would not produce (hostile globals, broken
/// sizes, deep nesting). <see cref="StateDict"/> writes what <c>torch.save</c> writes for a state dict of float tensors.
/// </summary>
public sealed class PickleWriter
{
    private readonly MemoryStream _bytes = new();

    public PickleWriter Op(char opcode) => Byte((byte)opcode);

    public PickleWriter Byte(byte value)
    {
        _bytes.WriteByte(value);
        return this;
    }

    public PickleWriter Proto(byte protocol = 2) => Byte(0x80).Byte(protocol);

    public PickleWriter Global(string module, string name) => Op('c').Ascii($"{module}\n{name}\n");

    public PickleWriter Str(string value)
    {
        var utf8 = Encoding.UTF8.GetBytes(value);
        Op('X').UInt32((uint)utf8.Length);
        _bytes.Write(utf8);
        return this;
    }

    public PickleWriter Int(long value)
    {
        if (value is >= int.MinValue and <= int.MaxValue)
        {
            return Op('J').UInt32((uint)(int)value);
        }
        Byte(0x8a).Byte(8);
        Span<byte> bytes = stackalloc byte[8];
        BinaryPrimitives.WriteInt64LittleEndian(bytes, value);
        _bytes.Write(bytes);
        return this;
    }

    /// <summary>A tuple of integers (MARK … TUPLE).</summary>
    public PickleWriter Ints(params long[] values)
    {
        Op('(');
        foreach (var value in values)
        {
            Int(value);
        }
        return Op('t');
    }

    public PickleWriter Mark() => Op('(');
    public PickleWriter Tuple() => Op('t');
    public PickleWriter EmptyTuple() => Op(')');
    public PickleWriter Reduce() => Op('R');
    public PickleWriter Stop() => Op('.');

    /// <summary><c>_rebuild_tensor_v2((storage pid), offset, size, stride, False, OrderedDict())</c>.</summary>
    public PickleWriter Tensor(string storageClass, string key, long storageElements, long offset, long[] size, long[] stride)
    {
        Global("torch._utils", "_rebuild_tensor_v2").Mark();
        Mark().Str("storage").Global("torch", storageClass).Str(key).Str("cpu").Int(storageElements).Tuple().Op('Q');
        Int(offset).Ints(size).Ints(stride).Op('\x89');
        Global("collections", "OrderedDict").EmptyTuple().Reduce();
        return Tuple().Reduce();
    }

    /// <summary>A whole state-dict pickle, OrderedDict of contiguous FloatStorage tensors each with its own storage.</summary>
    public static byte[] StateDict(params (string Name, string Key, long[] Shape)[] tensors)
    {
        var p = new PickleWriter().Proto().Global("collections", "OrderedDict").EmptyTuple().Reduce().Mark();
        foreach (var (name, key, shape) in tensors)
        {
            var count = shape.Aggregate(1L, (a, d) => a * d);
            var stride = new long[shape.Length];
            for (long i = shape.Length - 1, s = 1; i >= 0; s *= shape[i], i--)
            {
                stride[i] = s;
            }
            p.Str(name).Tensor("FloatStorage", key, count, 0, shape, stride);
        }
        return p.Op('u').Stop().ToArray();
    }

    public byte[] ToArray() => _bytes.ToArray();

    private PickleWriter Ascii(string text)
    {
        _bytes.Write(Encoding.ASCII.GetBytes(text));
        return this;
    }

    private PickleWriter UInt32(uint value)
    {
        Span<byte> bytes = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(bytes, value);
        _bytes.Write(bytes);
        return this;
    }
}
