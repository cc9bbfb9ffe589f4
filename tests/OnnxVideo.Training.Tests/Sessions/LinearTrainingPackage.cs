using OnnxVideo.Packaging.Optimizers;
using OnnxVideo.Packaging.Tuning;
using OnnxVideo.Onnx;
using OnnxVideo.Onnx.Proto;
using OnnxVideo.Onnx.Safetensors;
using OnnxVideo.Training.Packages;
using DataType = OnnxVideo.Onnx.Proto.TensorProto.Types.DataType;

namespace OnnxVideo.Training.Tests.Sessions;

/// <summary>
/// A hand-written training package for a linear classifier on the flattened clip, logits = (x ⊙ scale)·W + b, with
/// a frozen per-feature scale, mean softmax cross-entropy, gradients written out by hand, clipping by global norm and
/// SGD with momentum 0.9 — small enough to check every number against plain C# arithmetic.
/// The graphs carry the frozen scale inline as all ones; the real values are in frozen.safetensors, so a session that
/// does not use the shared frozen weights computes different numbers.
/// With <c>softTargets</c> the train-step and gradients graphs take soft targets float [N, classes] instead of labels
/// (loss −mean Σ targets·log softmax, gradient (softmax − targets)/N), as packages written for mixup do.
/// </summary>
internal static class LinearTrainingPackage
{
    public const float Momentum = 0.9f;

    public static TrainingPackageLayout Write(string directory, long[] sampleShape, int classes, float[] frozenScale,
        float[] initialWeight, float[] initialBias, bool softTargets = false)
    {
        Directory.CreateDirectory(directory);
        var d = sampleShape.Aggregate(1L, (a, b) => a * b);
        string P(string name) => Path.Combine(directory, name);
        Save(Build(sampleShape, classes, GraphKind.TrainStep, softTargets), P("train_step.onnx"));
        Save(Build(sampleShape, classes, GraphKind.Eval, softTargets), P("eval.onnx"));
        Save(Build(sampleShape, classes, GraphKind.Gradients, softTargets), P("grads.onnx"));
        Save(Build(sampleShape, classes, GraphKind.Optimizer, softTargets), P("optimizer.onnx"));
        SafetensorsWriter.WriteFile(P("trainable.safetensors"),
        [
            SafetensorsTensor.FromFloats("W", initialWeight, d, classes),
            SafetensorsTensor.FromFloats("b", initialBias, classes),
        ]);
        SafetensorsWriter.WriteFile(P("optimizer_state.safetensors"),
        [
            SafetensorsTensor.FromFloats("W.momentum", new float[d * classes], d, classes),
            SafetensorsTensor.FromFloats("b.momentum", new float[classes], classes),
        ]);
        SafetensorsWriter.WriteFile(P("frozen.safetensors"), [SafetensorsTensor.FromFloats("scale", frozenScale, d)]);
        return new TrainingPackageLayout
        {
            Directory = directory,
            PackageId = "linear-test-" + Path.GetFileName(directory),
            TrainStepPath = P("train_step.onnx"),
            EvalPath = P("eval.onnx"),
            GradientsPath = P("grads.onnx"),
            OptimizerPath = P("optimizer.onnx"),
            TrainablePath = P("trainable.safetensors"),
            OptimizerStatePath = P("optimizer_state.safetensors"),
            FrozenPath = P("frozen.safetensors"),
            Names = new TrainingGraphNames
            {
                Video = "video", Labels = "labels", LearningRate = "lr", Step = "step", ClipNorm = "clip_norm",
                Loss = "loss", Logits = "logits", GradientNorm = "grad_norm", Targets = softTargets ? "targets" : null,
            },
            Parameters =
            [
                new TrainableParameter("W", [d, classes], "W.grad", "W.new", [new OptimizerStateTensor("W.momentum", "W.momentum.new")]),
                new TrainableParameter("b", [classes], "b.grad", "b.new", [new OptimizerStateTensor("b.momentum", "b.momentum.new")]),
            ],
            ClassCount = classes,
            Optimizer = OptimizerKind.Sgd,
            Tuning = TuningKind.Full,
            HeadWeight = "W",
        };
    }

    private enum GraphKind { TrainStep, Eval, Gradients, Optimizer }

    private static int _constants;

    // Named by a counter rather than GraphBuilder.Constant, which claims its generated name twice.
    private static string Float(GraphBuilder g, float value) => g.Initializer($"c{Interlocked.Increment(ref _constants)}", [value]);

    private static string Ints(GraphBuilder g, long value) => g.Initializer($"c{Interlocked.Increment(ref _constants)}", [value], 1);

    private static void Save(GraphProto graph, string path) => OnnxModelFile.Save(OnnxModels.Create(graph, 17), path);

    private static GraphProto Build(long[] sampleShape, int classes, GraphKind kind, bool softTargets)
    {
        var g = new GraphBuilder(kind.ToString());
        var d = sampleShape.Aggregate(1L, (a, b) => a * b);
        var W = g.Input("W", DataType.Float, d, classes);
        var b = g.Input("b", DataType.Float, classes);
        string? dW = null, db = null;
        if (kind != GraphKind.Optimizer)
        {
            var video = g.Input("video", DataType.Float, ["N", .. sampleShape.Select(s => (Dim)s)]);
            var soft = softTargets && kind != GraphKind.Eval;
            var labels = soft ? g.Input("targets", DataType.Float, "N", classes) : g.Input("labels", DataType.Int64, "N");
            var scale = g.Initializer("scale", Enumerable.Repeat(1f, (int)d).ToArray(), d);
            var x = g.Node("Mul", [g.Node("Flatten", [video], new Dictionary<string, object> { ["axis"] = 1L }), scale]);
            var logits = g.Node("Add", [g.Node("MatMul", [x, W]), b], name: "logits_node");
            g.Graph.Node[^1].Output[0] = "logits";
            logits = "logits";
            if (soft)
            {
                var perClip = g.Node("ReduceSum", [g.Node("Mul", [labels, g.Node("LogSoftmax", [logits], new Dictionary<string, object> { ["axis"] = 1L })]), Ints(g, 1)],
                    new Dictionary<string, object> { ["keepdims"] = 0L });
                g.Node("Neg", [g.Node("ReduceMean", [perClip], new Dictionary<string, object> { ["keepdims"] = 0L })]);
            }
            else
            {
                g.Node("SoftmaxCrossEntropyLoss", [logits, labels], new Dictionary<string, object> { ["reduction"] = "mean" });
            }
            g.Graph.Node[^1].Output[0] = "loss";
            g.Output("loss", DataType.Float);
            g.Output("logits", DataType.Float, "N", classes);
            if (kind == GraphKind.Eval)
            {
                return g.Graph;
            }
            var probabilities = g.Node("Softmax", [logits], new Dictionary<string, object> { ["axis"] = 1L });
            var oneHot = soft ? labels : g.Node("OneHot", [labels, Ints(g, classes), g.Initializer("onehot_values", [0f, 1f], 2)],
                new Dictionary<string, object> { ["axis"] = -1L });
            var count = g.Node("Cast", [g.Node("Gather", [g.Node("Shape", [labels]), Ints(g, 0)])], new Dictionary<string, object> { ["to"] = (long)DataType.Float });
            var dLogits = g.Node("Div", [g.Node("Sub", [probabilities, oneHot]), count]);
            dW = g.Node("MatMul", [g.Node("Transpose", [x]), dLogits]);
            db = g.Node("ReduceSum", [dLogits, Ints(g, 0)], new Dictionary<string, object> { ["keepdims"] = 0L });
            if (kind == GraphKind.Gradients)
            {
                g.Graph.Node.Add(new NodeProto { OpType = "Identity", Input = { dW }, Output = { "W.grad" } });
                g.Graph.Node.Add(new NodeProto { OpType = "Identity", Input = { db }, Output = { "b.grad" } });
                g.Output("W.grad", DataType.Float, d, classes);
                g.Output("b.grad", DataType.Float, classes);
                return g.Graph;
            }
        }
        else
        {
            dW = g.Input("W.grad", DataType.Float, d, classes);
            db = g.Input("b.grad", DataType.Float, classes);
        }
        var mW = g.Input("W.momentum", DataType.Float, d, classes);
        var mb = g.Input("b.momentum", DataType.Float, classes);
        var lr = g.Input("lr", DataType.Float);
        g.Input("step", DataType.Float);
        var clip = g.Input("clip_norm", DataType.Float);
        var noAxes = new Dictionary<string, object> { ["keepdims"] = 0L };
        var norm = g.Node("Sqrt", [g.Node("Add", [
            g.Node("ReduceSum", [g.Node("Mul", [dW!, dW!])], noAxes),
            g.Node("ReduceSum", [g.Node("Mul", [db!, db!])], noAxes)])]);
        g.Graph.Node.Add(new NodeProto { OpType = "Identity", Input = { norm }, Output = { "grad_norm" } });
        var one = Float(g, 1f);
        var ratio = g.Node("Min", [one, g.Node("Div", [clip, g.Node("Add", [norm, Float(g, 1e-6f)])])]);
        var coefficient = g.Node("Where", [g.Node("Greater", [clip, Float(g, 0f)]), ratio, one]);
        var momentum = Float(g, Momentum);
        foreach (var (p, grad, m, name) in new[] { (W, dW!, mW, "W"), (b, db!, mb, "b") })
        {
            var newM = g.Node("Add", [g.Node("Mul", [momentum, m]), g.Node("Mul", [grad, coefficient])]);
            var newP = g.Node("Sub", [p, g.Node("Mul", [lr, newM])]);
            g.Graph.Node.Add(new NodeProto { OpType = "Identity", Input = { newM }, Output = { name + ".momentum.new" } });
            g.Graph.Node.Add(new NodeProto { OpType = "Identity", Input = { newP }, Output = { name + ".new" } });
        }
        g.Output("grad_norm", DataType.Float);
        g.Output("W.new", DataType.Float, d, classes);
        g.Output("b.new", DataType.Float, classes);
        g.Output("W.momentum.new", DataType.Float, d, classes);
        g.Output("b.momentum.new", DataType.Float, classes);
        return g.Graph;
    }
}
