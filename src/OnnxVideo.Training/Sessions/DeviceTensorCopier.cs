using OnnxVideo.Onnx;
using OnnxVideo.Onnx.Proto;
using OnnxVideo.Ort;

namespace OnnxVideo.Training.Sessions;

/// <summary>
/// Copies float tensors between host and device memory (either direction, or device to device) by running a one-node
/// Identity graph on the training session's provider with both ends bound: ORT moves the data with the provider's own
/// data transfer, so no CUDA runtime call of ours is needed and the CPU provider takes the same path.
/// Used at open, checkpoint, export and parameter reads, never per training step.
/// </summary>
internal sealed class DeviceTensorCopier : IDisposable
{
    private const string Input = "x";
    private const string Output = "y";
    private readonly OrtSession _session;
    private readonly OrtIoBinding _binding;

    public DeviceTensorCopier(OrtSessionOptions options)
    {
        _session = new OrtSession(IdentityModel(), options, "<device copy graph>");
        _binding = _session.CreateIoBinding();
    }

    /// <summary>Copies made so far (tests check that training steps make none).</summary>
    public long Count { get; private set; }

    /// <summary>Copies <paramref name="source"/> into <paramref name="destination"/> (same element count and type).</summary>
    public void Copy(OrtValue source, OrtValue destination)
    {
        Count++;
        try
        {
            _binding.BindInput(Input, source);
            _binding.BindOutput(Output, destination);
            _binding.SynchronizeInputs();
            _session.RunWithBinding(_binding);
            _binding.SynchronizeOutputs();
        }
        finally
        {
            _binding.ClearBoundInputs();
            _binding.ClearBoundOutputs();
        }
    }

    public void Dispose()
    {
        _binding.Dispose();
        _session.Dispose();
    }

    /// <summary>y = Identity(x) over float tensors of any rank.</summary>
    private static byte[] IdentityModel()
    {
        var graph = new GraphBuilder("device_copy");
        graph.Graph.Input.Add(Unranked(Input));
        graph.Graph.Node.Add(new NodeProto { OpType = "Identity", Name = "copy", Input = { Input }, Output = { Output } });
        graph.Graph.Output.Add(Unranked(Output));
        return OnnxModelFile.ToBytes(OnnxModels.Create(graph.Graph));
    }

    private static ValueInfoProto Unranked(string name) => new()
    {
        Name = name,
        Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)TensorProto.Types.DataType.Float } },
    };
}
