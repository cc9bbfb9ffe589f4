namespace OnnxVideo.Onnx.Checkpoints;

/// <summary>A reference to <c>module.name</c> that the unpickler allowed; it is a name only, never resolved or imported.</summary>
internal sealed record PickleGlobal(string Module, string Name)
{
    public override string ToString() => $"{Module}.{Name}";
}
