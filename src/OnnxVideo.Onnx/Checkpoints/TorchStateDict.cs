namespace OnnxVideo.Onnx.Checkpoints;

/// <summary>
/// The tensors of an unpickled checkpoint: the top-level dict's tensor values by key, or, for a training checkpoint
/// such as <c>{'epoch': 3, 'state_dict': {...}}</c>, those of its <c>state_dict</c>, <c>model</c> or
/// <c>model_state_dict</c> entry. Entries that are not tensors (counters, extra state) are left out.
/// </summary>
internal static class TorchStateDict
{
    private static readonly string[] WrapperKeys = ["state_dict", "model_state_dict", "model", "module"];

    public static List<TorchTensorInfo> Tensors(object? root, string source)
    {
        if (root is not PickleDict dict)
        {
            throw new TorchCheckpointException(source, $"the checkpoint holds a {PickleValues.Describe(root)}, not a state dict");
        }
        var tensors = TensorsOf(dict);
        foreach (var key in WrapperKeys)
        {
            if (tensors.Count > 0)
            {
                break;
            }
            if (dict.TryGet(key, out var inner) && inner is PickleDict innerDict)
            {
                tensors = TensorsOf(innerDict);
            }
        }
        if (tensors.Count == 0)
        {
            var keys = dict.Entries.Select(e => e.Key as string ?? PickleValues.Describe(e.Key)).Take(10);
            throw new TorchCheckpointException(source, $"no tensors found: the checkpoint is a dict of {dict.Count} entries ({string.Join(", ", keys)}) without a state dict");
        }
        return tensors;
    }

    private static List<TorchTensorInfo> TensorsOf(PickleDict dict) =>
        dict.Entries
            .Where(e => e.Key is string && e.Value is TorchTensorRef)
            .Select(e => new TorchTensorInfo((string)e.Key, (TorchTensorRef)e.Value!))
            .ToList();
}
