using OnnxVideo.Onnx;
using OnnxVideo.Ort;
using OnnxVideo.Training.Loading;

namespace OnnxVideo.Training.Continual;

/// <summary>
/// The previous model of class-incremental training (e.g. the last task's <c>best/model.onnx</c>), run on the CPU on each
/// training batch to give the distillation term its teacher logits. It sees the batch's clips as the student does (the
/// same augmentation, mix and preprocessing), so the two are compared on identical inputs.
/// </summary>
internal sealed class TeacherModel : IDisposable
{
    private readonly OrtSession _session;
    private readonly string _input;
    private readonly string _logits;
    private readonly long[] _sampleShape;

    private TeacherModel(OrtSession session, string input, string logits, long[] sampleShape, int classCount)
    {
        _session = session;
        _input = input;
        _logits = logits;
        _sampleShape = sampleShape;
        ClassCount = classCount;
    }

    public int ClassCount { get; }

    /// <summary>
    /// Checks that <paramref name="path"/> is a classifier of <paramref name="oldClasses"/> classes that takes samples
    /// of <paramref name="sampleShape"/>, without opening a session; throws <see cref="TeacherModelException"/> otherwise.
    /// </summary>
    public static void Check(string path, int oldClasses, IReadOnlyList<long>? sampleShape)
    {
        var (_, _, classes, shape) = Describe(path);
        if (classes != oldClasses)
        {
            throw new TeacherModelException(path, $"the teacher predicts {classes} classes, but the package distils {oldClasses} old classes "
                + "(give the model of the previous task, whose classes are the first rows of the extended head)");
        }
        if (sampleShape is not null && shape.Any(d => d > 0) && !shape.SequenceEqual(sampleShape))
        {
            throw new TeacherModelException(path, $"the teacher takes samples of [{string.Join(", ", shape)}], the package [{string.Join(", ", sampleShape)}]");
        }
    }

    public static TeacherModel Open(string path, IReadOnlyList<long> sampleShape, int intraOpThreads)
    {
        var (input, logits, classes, _) = Describe(path);
        OrtSession session;
        try
        {
            session = new OrtSession(path, new OrtSessionOptions { IntraOpThreads = intraOpThreads, InterOpThreads = 1 });
        }
        catch (OrtException e)
        {
            throw new TeacherModelException(path, $"ONNX Runtime cannot load the teacher: {e.OrtMessage}", e);
        }
        return new TeacherModel(session, input, logits, [.. sampleShape], classes);
    }

    /// <summary>The teacher's logits (count × <see cref="ClassCount"/>) for a training batch's samples.</summary>
    public float[] Logits(ClipBatch batch) => Logits(batch.Inputs, batch.Count * batch.ViewsPerClip);

    public float[] Logits(float[] samples, int count)
    {
        using var video = OrtValue.CreateTensor(samples.AsMemory(0, (int)(count * _sampleShape.Aggregate(1L, (a, b) => a * b))), [count, .. _sampleShape]);
        var outputs = _session.Run([_input], [video], [_logits]);
        try
        {
            return outputs[0].ToArray<float>();
        }
        finally
        {
            foreach (var output in outputs)
            {
                output.Dispose();
            }
        }
    }

    public void Dispose() => _session.Dispose();

    private static (string Input, string Logits, int Classes, long[] SampleShape) Describe(string path)
    {
        if (!File.Exists(path))
        {
            throw new TeacherModelException(path, "no such model file");
        }
        Onnx.Proto.ModelProto model;
        try
        {
            model = OnnxModelFile.Load(path, loadExternalData: false);
        }
        catch (OnnxFormatException e)
        {
            throw new TeacherModelException(path, $"not a readable ONNX model: {e.Message}", e);
        }
        var graph = model.Graph;
        var initializers = graph.Initializer.Select(t => t.Name).ToHashSet(StringComparer.Ordinal);
        var inputs = graph.Input.Where(i => !initializers.Contains(i.Name)).ToList();
        var logits = graph.Output.FirstOrDefault(o => o.Name == "logits") ?? graph.Output.FirstOrDefault();
        var dims = logits?.Type?.TensorType?.Shape?.Dim;
        if (inputs.Count != 1 || logits is null || dims is not { Count: 2 } || dims[1].DimValue <= 0)
        {
            throw new TeacherModelException(path, "the teacher must be a classifier with one video input and logits [N, classes] with a fixed class count");
        }
        var shape = inputs[0].Type?.TensorType?.Shape?.Dim.Skip(1).Select(d => d.DimValue).ToArray() ?? [];
        return (inputs[0].Name, logits.Name, (int)dims[1].DimValue, shape);
    }
}
