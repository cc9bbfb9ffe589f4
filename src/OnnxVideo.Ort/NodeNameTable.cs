using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;

namespace OnnxVideo.Ort;

/// <summary>
/// A session's input or output names, kept as null-terminated UTF-8 in pinned memory so runs pass them to ORT
/// without marshalling. Immutable after construction, so concurrent runs can share it.
/// </summary>
internal sealed unsafe class NodeNameTable
{
    // Pinned (pinned object heap) so the addresses in `pointers` stay valid for the table's lifetime.
    private readonly byte[][] utf8;
    private readonly nint[] pointers;
    private readonly Dictionary<string, int> indexByName;

    public NodeNameTable(string kind, IReadOnlyList<string> names)
    {
        Kind = kind;
        Names = names.ToArray();
        utf8 = new byte[Names.Length][];
        pointers = new nint[Names.Length];
        indexByName = new Dictionary<string, int>(Names.Length, StringComparer.Ordinal);
        for (var i = 0; i < Names.Length; i++)
        {
            var bytes = GC.AllocateArray<byte>(Encoding.UTF8.GetByteCount(Names[i]) + 1, pinned: true);
            Encoding.UTF8.GetBytes(Names[i], bytes);
            utf8[i] = bytes;
            pointers[i] = (nint)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(bytes));
            indexByName[Names[i]] = i;
        }
    }

    public string Kind { get; }

    public string[] Names { get; }

    public int Count => Names.Length;

    public byte* PointerAt(int index) => (byte*)pointers[index];

    public byte* PointerOf(string name) => PointerAt(IndexOf(name));

    public int IndexOf(string name)
    {
        if (indexByName.TryGetValue(name, out var index))
        {
            return index;
        }

        throw new ArgumentException($"The model has no {Kind} named '{name}'; its {Kind}s are: {string.Join(", ", Names)}.", nameof(name));
    }

    public bool Contains(string name) => indexByName.ContainsKey(name);
}
