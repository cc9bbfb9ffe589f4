namespace OnnxVideo.Onnx.Checkpoints;

/// <summary>
/// The allow-list of the restricted unpickler: <c>collections.OrderedDict</c>, torch's tensor rebuild functions and
/// the <c>torch.*Storage</c> classes. Each is recognised by name and given its meaning here; nothing is looked up.
/// </summary>
internal static class TorchPickleGlobals
{
    private const string OrderedDict = "collections.OrderedDict";
    private const string RebuildTensorV2 = "torch._utils._rebuild_tensor_v2";
    private const string RebuildTensor = "torch._utils._rebuild_tensor";
    private const string RebuildParameter = "torch._utils._rebuild_parameter";
    private const string RebuildParameterWithState = "torch._utils._rebuild_parameter_with_state";

    private static readonly string[] Callables = [OrderedDict, RebuildTensorV2, RebuildTensor, RebuildParameter, RebuildParameterWithState];

    /// <summary>The global <c>module.name</c> if it is allowed; otherwise an <see cref="UnsafePickleException"/>.</summary>
    public static PickleGlobal Resolve(string module, string name, string source)
    {
        var global = new PickleGlobal(module, name);
        if (Callables.Contains(global.ToString()) || IsStorageClass(global))
        {
            return global;
        }
        throw new UnsafePickleException(source, global.ToString(),
            $"the pickle asks for the global {global}, which a state dict does not need (allowed: {string.Join(", ", Callables)} and torch.*Storage; for a pickled model or training state, save model.state_dict() instead)");
    }

    public static bool IsStorageClass(PickleGlobal global) =>
        global.Module == "torch" && TorchDTypes.TryFromStorageClass(global.Name, out _);

    /// <summary>REDUCE: the value of <c>callable(*args)</c>, computed here for the allowed callables.</summary>
    public static object Call(PickleGlobal callable, object?[] args, string source, TorchCheckpointLimits limits)
    {
        switch (callable.ToString())
        {
            case OrderedDict when args.Length == 0:
                return new PickleDict();
            case RebuildTensorV2 when args.Length is 6 or 7:
            case RebuildTensor when args.Length == 4:
                return Tensor(args, source, limits);
            case RebuildParameter when args.Length == 3:
            case RebuildParameterWithState when args.Length == 4:
                return args[0] as TorchTensorRef ?? throw new TorchCheckpointException(source, $"{callable} of a {PickleValues.Describe(args[0])}, not a tensor");
            case var name when Callables.Contains(name):
                throw new TorchCheckpointException(source, $"{callable} called with {args.Length} arguments");
            default:
                throw new UnsafePickleException(source, callable.ToString(), $"the pickle calls {callable}, which a state dict does not need to call");
        }
    }

    /// <summary>NEWOBJ: <c>cls.__new__(cls, *args)</c>, allowed only for an empty OrderedDict.</summary>
    public static object New(PickleGlobal cls, object?[] args, string source) =>
        cls.ToString() == OrderedDict && args.Length == 0
            ? new PickleDict()
            : throw new UnsafePickleException(source, cls.ToString(), $"the pickle constructs {cls} with NEWOBJ, which a state dict does not need");

    /// <summary>BUILD: a dict's attributes (an OrderedDict's <c>_metadata</c>) are ignored; nothing else takes state.</summary>
    public static void Build(object target, object? state, string source)
    {
        if (target is PickleDict && state is PickleDict or null)
        {
            return;
        }
        throw new UnsafePickleException(source, "BUILD", $"the pickle sets the state of a {PickleValues.Describe(target)} from a {PickleValues.Describe(state)}, which a state dict does not need");
    }

    private static TorchTensorRef Tensor(object?[] args, string source, TorchCheckpointLimits limits)
    {
        var storage = args[0] as TorchStorageRef
            ?? throw new TorchCheckpointException(source, $"a tensor is rebuilt from a {PickleValues.Describe(args[0])}, not a storage");
        if (args[1] is not long offset || offset < 0)
        {
            throw new TorchCheckpointException(source, $"a tensor of storage '{storage.Key}' has storage offset {PickleValues.Describe(args[1])} {args[1]}, not an integer >= 0");
        }
        var shape = Dims(args[2], "size", storage, source, limits);
        var strides = Dims(args[3], "stride", storage, source, limits);
        if (strides.Length != shape.Length)
        {
            throw new TorchCheckpointException(source, $"a tensor of storage '{storage.Key}' has {shape.Length} sizes but {strides.Length} strides");
        }
        var tensor = new TorchTensorRef(storage, offset, shape, strides);
        CheckInsideStorage(tensor, source);
        return tensor;
    }

    private static long[] Dims(object? value, string what, TorchStorageRef storage, string source, TorchCheckpointLimits limits)
    {
        if (value is not object?[] tuple || tuple.Length > limits.MaxTensorDims || tuple.Any(d => d is not long n || n < 0))
        {
            throw new TorchCheckpointException(source,
                $"a tensor of storage '{storage.Key}' has a {what} that is not a tuple of at most {limits.MaxTensorDims} integers >= 0 ({PickleValues.Describe(value)})");
        }
        return tuple.Select(d => (long)d!).ToArray();
    }

    /// <summary>Every element the view addresses must lie inside the storage its persistent id declares.</summary>
    private static void CheckInsideStorage(TorchTensorRef tensor, string source)
    {
        var storage = tensor.Storage;
        long count = 1, last = tensor.StorageOffset;
        try
        {
            for (var i = 0; i < tensor.Shape.Length; i++)
            {
                count = checked(count * tensor.Shape[i]);
                if (tensor.Shape[i] > 0)
                {
                    last = checked(last + (tensor.Shape[i] - 1) * tensor.Strides[i]);
                }
            }
        }
        catch (OverflowException)
        {
            throw new TorchCheckpointException(source, $"a tensor of storage '{storage.Key}' has shape [{string.Join(", ", tensor.Shape)}], whose size overflows");
        }
        var end = count == 0 ? tensor.StorageOffset : last + 1;
        if (end > storage.ElementCount)
        {
            throw new TorchCheckpointException(source,
                $"a tensor of shape [{string.Join(", ", tensor.Shape)}] at storage offset {tensor.StorageOffset} with strides [{string.Join(", ", tensor.Strides)}] reaches element {end - 1} of storage '{storage.Key}', which holds {storage.ElementCount} elements");
        }
    }
}
