using OnnxVideo.Onnx;
using OnnxVideo.Onnx.Proto;
using OnnxVideo.Ort;

namespace OnnxVideo.Cli.Demo;

/// <summary>
/// Sets the running statistics of every BatchNormalization to the per-channel mean and variance of its input over
/// sample clips, layer by layer in graph order (each layer sees the already calibrated layers before it). Compiled
/// training graphs keep BatchNorm statistics frozen, so a randomly initialised model needs them to be meaningful
/// before training, as a pretrained model's are.
/// </summary>
internal static class BatchNormCalibration
{
    /// <returns>The number of BatchNormalization nodes calibrated.</returns>
    public static int Calibrate(ModelProto model, string inputName, float[] clips, long[] shape, int threads)
    {
        var normalisations = model.Graph.Node.Where(n => n.OpType == "BatchNormalization").ToList();
        foreach (var node in normalisations)
        {
            var probe = model.Clone();
            probe.Graph.Output.Clear();
            probe.Graph.Output.Add(new ValueInfoProto
            {
                Name = node.Input[0],
                Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)TensorProto.Types.DataType.Float } },
            });
            using var session = new OrtSession(OnnxModelFile.ToBytes(probe), new OrtSessionOptions { IntraOpThreads = threads }, "BatchNorm calibration probe");
            using var input = OrtValue.CreateTensor(clips, shape);
            var outputs = session.Run([inputName], [input]);
            using var activations = outputs[0];
            var dims = activations.Shape;
            var (mean, variance) = ChannelMoments(activations.GetTensorSpan<float>(), dims);
            Replace(model, TensorProtos.FromFloats(node.Input[3], mean, mean.Length));
            Replace(model, TensorProtos.FromFloats(node.Input[4], variance, variance.Length));
        }
        return normalisations.Count;
    }

    /// <summary>Mean and (population) variance per channel of an [N, C, ...] tensor.</summary>
    private static (float[] Mean, float[] Variance) ChannelMoments(ReadOnlySpan<float> x, long[] dims)
    {
        var (n, c) = ((int)dims[0], (int)dims[1]);
        var inner = (int)dims.Skip(2).Aggregate(1L, (a, d) => a * d);
        var mean = new float[c];
        var variance = new float[c];
        for (var channel = 0; channel < c; channel++)
        {
            double sum = 0, squares = 0;
            for (var i = 0; i < n; i++)
            {
                foreach (var v in x.Slice((i * c + channel) * inner, inner))
                {
                    sum += v;
                    squares += (double)v * v;
                }
            }
            var count = (double)n * inner;
            var m = sum / count;
            mean[channel] = (float)m;
            variance[channel] = (float)Math.Max(squares / count - m * m, 1e-6);
        }
        return (mean, variance);
    }

    private static void Replace(ModelProto model, TensorProto tensor)
    {
        var initializers = model.Graph.Initializer;
        for (var i = 0; i < initializers.Count; i++)
        {
            if (initializers[i].Name == tensor.Name)
            {
                initializers[i] = tensor;
                return;
            }
        }
        throw new InvalidOperationException($"BatchNormalization statistic '{tensor.Name}' is not an initializer of the model");
    }
}
