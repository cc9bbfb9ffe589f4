using OnnxVideo.Ort.Native;
using OnnxVideo.Ort.Native.Handles;

namespace OnnxVideo.Ort;

/// <summary>
/// Inputs and outputs bound to a session once and reused across runs (<see cref="OrtSession.RunWithBinding(OrtIoBinding, OrtRunOptions?)"/>),
/// so steady-state runs marshal nothing. Outputs can be bound to caller values or to a device, in which case ORT
/// allocates them there. Not for use from several threads at once. Bound values are kept alive by the binding.
/// </summary>
public sealed unsafe class OrtIoBinding : IDisposable
{
    private readonly OrtIoBindingHandle handle;
    private readonly Dictionary<string, OrtValue> boundInputs = new(StringComparer.Ordinal);
    private readonly Dictionary<string, OrtValue> boundOutputs = new(StringComparer.Ordinal);

    internal OrtIoBinding(OrtSession session)
    {
        Session = session;
        nint binding;
        OrtStatus.Check(OrtApi.CreateIoBinding(session.Handle.Pointer, &binding), "CreateIoBinding");
        handle = new OrtIoBindingHandle(binding);
    }

    public OrtSession Session { get; }

    internal nint Pointer => handle.Pointer;

    /// <summary>The values bound as inputs, by input name.</summary>
    public IReadOnlyDictionary<string, OrtValue> BoundInputs => boundInputs;

    public void BindInput(string name, OrtValue value)
    {
        OrtStatus.Check(OrtApi.BindInput(Pointer, Session.InputNameTable.PointerOf(name), value.Pointer), $"BindInput '{name}'");
        boundInputs[name] = value;
    }

    /// <summary>Binds an output to a caller value that ORT writes into.</summary>
    public void BindOutput(string name, OrtValue value)
    {
        OrtStatus.Check(OrtApi.BindOutput(Pointer, Session.OutputNameTable.PointerOf(name), value.Pointer), $"BindOutput '{name}'");
        boundOutputs[name] = value;
    }

    /// <summary>Binds an output to a device; ORT allocates it there on each run (read it with <see cref="GetOutputValues"/>).</summary>
    public void BindOutputToDevice(string name, OrtMemoryInfo memoryInfo)
    {
        OrtStatus.Check(OrtApi.BindOutputToDevice(Pointer, Session.OutputNameTable.PointerOf(name), memoryInfo.Pointer), $"BindOutputToDevice '{name}'");
        boundOutputs.Remove(name);
    }

    /// <summary>Names of the bound outputs, in binding order.</summary>
    public string[] GetOutputNames()
    {
        var allocator = OrtAllocator.Default;
        byte* buffer;
        nuint* lengths;
        nuint count;
        OrtStatus.Check(OrtApi.GetBoundOutputNames(Pointer, allocator.Pointer, &buffer, &lengths, &count), "GetBoundOutputNames");
        if (count == 0)
        {
            return [];
        }

        try
        {
            var names = new string[(int)count];
            var offset = 0;
            for (var i = 0; i < names.Length; i++)
            {
                var length = (int)lengths[i];
                names[i] = System.Text.Encoding.UTF8.GetString(buffer + offset, length);
                offset += length;
            }

            return names;
        }
        finally
        {
            allocator.Free((nint)buffer);
            allocator.Free((nint)lengths);
        }
    }

    /// <summary>The values of the bound outputs after a run, in binding order; each is a new value the caller disposes.</summary>
    public OrtValue[] GetOutputValues()
    {
        var allocator = OrtAllocator.Default;
        nint* values;
        nuint count;
        OrtStatus.Check(OrtApi.GetBoundOutputValues(Pointer, allocator.Pointer, &values, &count), "GetBoundOutputValues");
        if (count == 0)
        {
            return [];
        }

        try
        {
            var result = new OrtValue[(int)count];
            for (var i = 0; i < result.Length; i++)
            {
                result[i] = OrtValue.FromNative(values[i]);
            }

            return result;
        }
        finally
        {
            allocator.Free((nint)values);
        }
    }

    public void ClearBoundInputs()
    {
        OrtApi.ClearBoundInputs(Pointer);
        boundInputs.Clear();
    }

    public void ClearBoundOutputs()
    {
        OrtApi.ClearBoundOutputs(Pointer);
        boundOutputs.Clear();
    }

    /// <summary>Waits until bound inputs are copied to their devices (matters for GPU providers).</summary>
    public void SynchronizeInputs() => OrtStatus.Check(OrtApi.SynchronizeBoundInputs(Pointer), "SynchronizeBoundInputs");

    /// <summary>Waits until outputs are written (matters for GPU providers).</summary>
    public void SynchronizeOutputs() => OrtStatus.Check(OrtApi.SynchronizeBoundOutputs(Pointer), "SynchronizeBoundOutputs");

    public void Dispose()
    {
        handle.Dispose();
        boundInputs.Clear();
        boundOutputs.Clear();
    }
}
