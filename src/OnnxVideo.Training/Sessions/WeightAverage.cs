using System.Globalization;
using OnnxVideo.Onnx;
using OnnxVideo.Onnx.Proto;
using OnnxVideo.Ort;
using DataType = OnnxVideo.Onnx.Proto.TensorProto.Types.DataType;

namespace OnnxVideo.Training.Sessions;

/// <summary>
/// Exponential moving average of the weights (parameters and running statistics), as timm's ModelEmaV2:
/// after each applied optimizer step, average = decay·average + (1 − decay)·weight. The averages are extra optimizer
/// state: double-buffered in the session's device memory like the weights and following the session's parity, updated
/// by a small graph of their own on the training provider (no host copies per step), saved in checkpoints under
/// <see cref="NamePrefix"/> + the weight's name.
/// </summary>
internal sealed class WeightAverage : IDisposable
{
    /// <summary>Prefix of the averages' names in checkpoints' optimizer state.</summary>
    public const string NamePrefix = "ema/";
    private const string Decay = "decay";
    private const string Share = "share";
    private readonly IReadOnlyList<DoubleBufferedTensor> _weights;
    private readonly OrtSession _session;
    private readonly OrtIoBinding?[] _bindings = new OrtIoBinding?[2];
    private readonly OrtValue _decayValue;
    private readonly OrtValue _shareValue;

    public WeightAverage(double decay, IReadOnlyList<DoubleBufferedTensor> weights, SessionDeviceMemory memory, OrtSessionOptions options)
    {
        if (!(decay is > 0 and < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(decay), decay, "the EMA decay must be in (0, 1)");
        }
        _weights = weights;
        // The scalars as PyTorch uses them: decay and 1 − decay are computed in double, then used as float32.
        _decayValue = OrtValue.CreateTensor(new[] { (float)decay }, []);
        _shareValue = OrtValue.CreateTensor(new[] { (float)(1.0 - decay) }, []);
        Averages = weights.Select(w => new DoubleBufferedTensor(NamePrefix + w.Name, NamePrefix + w.Name, w.Shape, memory)).ToList();
        try
        {
            _session = new OrtSession(UpdateModel(weights.Count), options, "<weight average graph>");
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    /// <summary>The averages, in the order of the weights they follow (names: <see cref="NamePrefix"/> + weight name).</summary>
    public IReadOnlyList<DoubleBufferedTensor> Averages { get; }

    /// <summary>
    /// Folds the weights a step just wrote (buffer 1 − <paramref name="parity"/>) into the averages: reads the averages
    /// at <paramref name="parity"/> and writes them at 1 − parity, ready for the session's parity flip.
    /// </summary>
    public void Update(int parity)
    {
        var binding = _bindings[parity] ??= CreateBinding(parity);
        binding.SynchronizeInputs();
        _session.RunWithBinding(binding);
        binding.SynchronizeOutputs();
    }

    /// <summary>Starts the averages at the current weights (both buffers).</summary>
    public void ResetToWeights(SessionDeviceMemory memory, int parity)
    {
        for (var i = 0; i < _weights.Count; i++)
        {
            memory.Copy(_weights[i].ValueAt(parity), Averages[i].ValueAt(parity));
            memory.Copy(_weights[i].ValueAt(parity), Averages[i].ValueAt(1 - parity));
        }
    }

    private OrtIoBinding CreateBinding(int parity)
    {
        var binding = _session.CreateIoBinding();
        binding.BindInput(Decay, _decayValue);
        binding.BindInput(Share, _shareValue);
        for (var i = 0; i < _weights.Count; i++)
        {
            binding.BindInput(AverageName(i), Averages[i].ValueAt(parity));
            binding.BindInput(WeightName(i), _weights[i].ValueAt(1 - parity));
            binding.BindOutput(UpdatedName(i), Averages[i].ValueAt(1 - parity));
        }
        return binding;
    }

    private static string AverageName(int i) => "average" + i.ToString(CultureInfo.InvariantCulture);

    private static string WeightName(int i) => "weight" + i.ToString(CultureInfo.InvariantCulture);

    private static string UpdatedName(int i) => "updated" + i.ToString(CultureInfo.InvariantCulture);

    /// <summary>updated_i = average_i·decay + weight_i·share for <paramref name="count"/> float tensors of any shape.</summary>
    private static byte[] UpdateModel(int count)
    {
        var g = new GraphBuilder("weight_average");
        g.Input(Decay, DataType.Float);
        g.Input(Share, DataType.Float);
        for (var i = 0; i < count; i++)
        {
            g.Graph.Input.Add(Unranked(AverageName(i)));
            g.Graph.Input.Add(Unranked(WeightName(i)));
            var kept = g.Node("Mul", [AverageName(i), Decay]);
            var added = g.Node("Mul", [WeightName(i), Share]);
            g.Graph.Node.Add(new NodeProto { OpType = "Add", Name = "update" + i.ToString(CultureInfo.InvariantCulture), Input = { kept, added }, Output = { UpdatedName(i) } });
            g.Graph.Output.Add(Unranked(UpdatedName(i)));
        }
        return OnnxModelFile.ToBytes(OnnxModels.Create(g.Graph));
    }

    private static ValueInfoProto Unranked(string name) => new()
    {
        Name = name,
        Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)DataType.Float } },
    };

    public void Dispose()
    {
        foreach (var binding in _bindings)
        {
            binding?.Dispose();
        }
        _session?.Dispose();
        foreach (var average in Averages ?? [])
        {
            average.Dispose();
        }
        _decayValue?.Dispose();
        _shareValue?.Dispose();
    }
}
