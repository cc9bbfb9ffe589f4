using OnnxVideo.Autodiff;
using OnnxVideo.Autodiff.Fused;
using OnnxVideo.Autodiff.Optimizers;
using OnnxVideo.Packaging.Optimizers;
using OnnxVideo.Packaging.Tuning;
using OnnxVideo.Models.Import.ControlFlow;
using OnnxVideo.Models.Tuning;
using OnnxVideo.Media;
using OnnxVideo.Onnx;
using OnnxVideo.Onnx.Graphs;
using OnnxVideo.Onnx.Graphs.Cleanup;
using OnnxVideo.Onnx.Proto;
using OnnxVideo.Onnx.Shapes;
using DataType = OnnxVideo.Onnx.Proto.TensorProto.Types.DataType;
using OnnxVideo.Packaging;
using OnnxVideo.Models.Adversarial;
using OnnxVideo.Models.Zoo;

namespace OnnxVideo.Models.Compilation;

/// <summary>
/// Compiles a classifier (one video input, logits as the first output) or a captioner (<see cref="CaptionObjective"/>) into the graphs of a training package:
/// eval (logits, loss, and a classifier's features output if it has one), gradients (loss, logits, d loss/d parameter),
/// train step (gradients + optimizer update) and the stand-alone optimizer. Trainable parameters become graph inputs; frozen weights stay initializers.
/// </summary>
internal static class TrainingGraphCompiler
{
    /// <summary>Class counts above this are taken for a damaged model rather than a classifier.</summary>
    private const long MaxClasses = 1 << 20;

    public static CompiledTrainingGraphs Compile(ModelProto model, TrainingPackageOptions options, string sourceName = "model")
    {
        options.Optimizer.Validate();
        var source = model.Graph.Clone();
        // Shape inference and autodiff walk the nodes once, in order; ORT accepts graphs that are not sorted.
        GraphRewrites.SortTopologically(source);
        // torch.onnx.export's Loops, sequences and Ifs that static shapes decide (the importer does this too).
        ControlFlowSimplifier.Simplify(source);
        GraphEdits.RemoveInitializerInputs(source);
        GraphEdits.MaterializeInitializerCopies(source);
        var objective = ModelMetadata.Get(model, VideoCaptionConfig.MetadataKey) is { } caption
            ? CaptionObjective.Create(model, source, VideoCaptionConfig.FromJson(caption, sourceName), options, sourceName)
            : ClassifierObjective(source, options, sourceName);
        foreach (var reserved in new[] { objective.Io.Labels, objective.Io.Targets, objective.Io.TargetTokens, objective.Io.TeacherLogits, objective.Io.Loss, objective.Io.LearningRate,
            objective.Io.Step, objective.Io.ClipNorm, objective.Io.GradientNorm, SeededDropout.SeedInput }.OfType<string>())
        {
            if (GraphBuilder.Wrap(source).IsNameUsed(reserved))
            {
                throw new TrainingPackageException(sourceName, $"the model already uses the name '{reserved}', which training packages reserve");
            }
        }
        return CompileWith(model, source, options, objective, sourceName);
    }

    /// <summary>One video input, logits [N, classes]; cross-entropy against soft targets (training) or labels (eval).</summary>
    private static TrainingObjective ClassifierObjective(GraphProto source, TrainingPackageOptions options, string sourceName)
    {
        if (source.Input.Count != 1)
        {
            throw new TrainingPackageException(sourceName, $"expected one video input, the model has {source.Input.Count} ({string.Join(", ", source.Input.Select(i => i.Name))})");
        }
        if (source.Output.Count == 0)
        {
            throw new TrainingPackageException(sourceName, "the model has no output");
        }
        // The zoo and most exporters name the class scores "logits"; otherwise they are the first output.
        var logits = source.Output.FirstOrDefault(o => o.Name == "logits") ?? source.Output[0];
        var logitsDims = logits.Type?.TensorType?.Shape?.Dim;
        if (logitsDims is not { Count: 2 } || logitsDims[1].DimValue is <= 0 or > MaxClasses)
        {
            throw new TrainingPackageException(sourceName, $"the first output '{logits.Name}' must be logits of shape [N, classes] with a fixed class count");
        }
        var classCount = (int)logitsDims[1].DimValue;
        var features = source.Output.FirstOrDefault(o => o.Name == Zoo.ModelZoo.FeaturesName && o != logits)?.Clone();
        source.Output.Clear();
        source.Output.Add(logits);
        GraphRewrites.Prune(source);
        var (videoName, videoShape, batch) = VideoInput(source, sourceName);
        var io = new PackageIoNames
        {
            Video = videoName, VideoShape = videoShape, Logits = logits.Name, Targets = "targets",
            TeacherLogits = options.Distillation is null ? null : "teacher_logits",
        };
        if (options.Distillation is { } distillation && distillation.OldClasses >= classCount)
        {
            throw new TrainingPackageException(sourceName, $"distillation's old_classes={distillation.OldClasses} must be below the model's {classCount} classes "
                + "(the old classes are the first rows of a head extended with `onnxvideo-export head --extend`)");
        }
        return new TrainingObjective(io, classCount, (builder, training) =>
            training ? AddLoss(builder, io, batch, options.LabelSmoothing, classCount, options.Distillation) : AddLoss(builder, io, batch, options.LabelSmoothing, classCount: null))
        {
            Features = features,
        };
    }

    /// <summary>The float video input: its name, its shape as text (symbolic dimensions by name) and its batch dimension.</summary>
    internal static (string Name, string[] Shape, Dim Batch) VideoInput(GraphProto source, string sourceName, string? name = null)
    {
        var video = name is null ? source.Input[0] : source.Input.First(i => i.Name == name);
        if (video.Type?.TensorType is not { ElemType: (int)TensorProto.Types.DataType.Float, Shape: not null })
        {
            throw new TrainingPackageException(sourceName, $"the video input '{video.Name}' must be a float32 tensor with a shape");
        }
        var videoDims = video.Type.TensorType.Shape.Dim;
        Dim batch = videoDims.Count > 0 && videoDims[0].DimParam.Length > 0 ? videoDims[0].DimParam : videoDims.Count > 0 ? videoDims[0].DimValue : "N";
        var shape = videoDims.Select(d => d.DimParam.Length > 0 ? d.DimParam : d.DimValue.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        return (video.Name, shape, batch);
    }

    private static CompiledTrainingGraphs CompileWith(ModelProto model, GraphProto source, TrainingPackageOptions options, TrainingObjective objective, string sourceName)
    {
        var io = objective.Io;
        var evalVariant = Variant(source, options, training: false, sourceName, objective.Sites);
        objective.AddLoss(GraphBuilder.Wrap(evalVariant.Graph), false);
        KeepFeatures(evalVariant.Graph, objective.Features);

        var gradVariant = Variant(source, options, training: true, sourceName, objective.Sites);
        var gradBuilder = GraphBuilder.Wrap(gradVariant.Graph);
        var gradLoss = objective.AddLoss(gradBuilder, true);
        var gradients = AutoDiff.AppendGradients(gradBuilder, gradLoss, gradVariant.Selection.Trainable, GradientOptionsOf(options));
        foreach (var p in gradVariant.Selection.Trainable)
        {
            var name = p + OptimizerGraph.GradientSuffix;
            ExposeAs(gradBuilder, gradients.GradientOf(p), name);
            gradBuilder.Output(name, DataType.Float, ShapeOf(gradVariant.Initial, p));
        }
        FusedOps.Lower(gradVariant.Graph);
        StackConvTapsAfterGradients(gradVariant.Graph, gradLoss, options);
        CleanUp(gradVariant.Graph, options);

        var trainVariant = Variant(source, options, training: true, sourceName, objective.Sites);
        var trainBuilder = GraphBuilder.Wrap(trainVariant.Graph);
        var trainLoss = objective.AddLoss(trainBuilder, true);
        var trainGradients = AutoDiff.AppendGradients(trainBuilder, trainLoss, trainVariant.Selection.Trainable, GradientOptionsOf(options));
        var rateScales = LayerDecay.Scales(trainVariant.Selection.Trainable, options.LayerDecay, sourceName);
        var parameters = trainVariant.Selection.Trainable
            .Select(p => new OptimizerParameter(p, trainGradients.GradientOf(p), trainVariant.Initial.First(t => t.Name == p).Dims.ToArray(), rateScales[p]))
            .ToList();
        OptimizerGraph.Append(trainBuilder, options.Optimizer, parameters, trainLoss, options.InPlaceOptimizerState);
        FusedOps.Lower(trainVariant.Graph);
        StackConvTapsAfterGradients(trainVariant.Graph, trainLoss, options);
        CleanUp(trainVariant.Graph, options);

        GraphProto? inputGradient = null;
        if (options.InputGradient)
        {
            if (objective.Caption is not null)
            {
                throw new TrainingPackageException(sourceName, "the input-gradient graph (adversarial training) is for classifiers; captioning packages do not have one");
            }
            var inputVariant = Variant(source, options, training: false, sourceName, objective.Sites);
            var inputBuilder = GraphBuilder.Wrap(inputVariant.Graph);
            objective.AddLoss(inputBuilder, false);
            InputGradientGraph.Append(inputBuilder, io.Video, io.Logits, io.Labels, sourceName);
            inputGradient = inputVariant.Graph;
        }

        var optimizer = OptimizerGraph.BuildStandalone(options.Optimizer, parameters, guardState: options.InPlaceOptimizerState);
        io = io with { DropoutSeed = trainVariant.Dropout.Count > 0 ? SeededDropout.SeedInput : null };
        var frozenNames = trainVariant.Selection.Frozen.ToHashSet(StringComparer.Ordinal);
        var contract = options.Contract ?? ContractOf(model, sourceName);
        return new CompiledTrainingGraphs(
            Wrap(model, trainVariant.Graph, "train_step", contract),
            Wrap(model, evalVariant.Graph, "eval", contract),
            Wrap(model, gradVariant.Graph, "gradients", contract),
            optimizer,
            trainVariant.Selection,
            trainVariant.Initial,
            trainVariant.Buffers,
            trainVariant.Graph.Initializer.Where(t => frozenNames.Contains(t.Name)).ToList(),
            io,
            objective.ClassCount,
            trainVariant.TrainableCount,
            trainVariant.FrozenCount,
            rateScales,
            trainVariant.Dropout,
            inputGradient is null ? null : Wrap(model, inputGradient, "input_gradient", contract),
            objective.Caption is { } caption ? CaptionTuning.Tune(caption, options.Tuning, trainVariant.Initial, sourceName) : null);
    }

    private static GradientOptions GradientOptionsOf(TrainingPackageOptions options) =>
        new()
        {
            PerTapConvWeightGradient = options.PerTapConvWeightGradient,
            ShiftedDyConvWeightGradient = options.ShiftedDyConvWeightGradient,
            FramesAsChannelsConvWeightGradient = options.FramesAsChannelsConvWeightGradient,
        };

    /// <summary>
    /// <see cref="TrainingPackageOptions.StackConvTapsAfterGradients"/> and <see cref="TrainingPackageOptions.StackInputGradientConvTaps"/>:
    /// convs whose weights train (a frozen weight stacked by nodes is folded by ORT into a copy beside the original:
    /// r3d_18's LoRA step peaked 97 MiB higher with its frozen base convs stacked), kernels of more than one temporal
    /// tap (the 1×1×1 strided shortcuts gained nothing and R(2+1)D's step peaked 57 MiB higher with them) and up to 7
    /// taps an axis, which leaves out the Conv-form weight gradients (the output gradient as the kernel; with a
    /// symbolic batch their kernel's shape is not known statically either, so the lowering would pass them by anyway).
    /// </summary>
    private static void StackConvTapsAfterGradients(GraphProto graph, string loss, TrainingPackageOptions options)
    {
        if (!options.LowerConv3dTo2d)
        {
            return;
        }
        var kernels = ShapeInference.Run(graph);
        var view = new GraphView(graph);
        var forward = view.Ancestors([loss]);
        var trained = view.RunTimeValues();
        bool Stackable(NodeProto conv) => trained.Contains(conv.Input[1])
            && kernels.ShapeOf(conv.Input[1]) is { Rank: 5, IsFullyKnown: true } w && w[2].Value > 1 && w.ToArray()[2..].All(k => k <= MaxStackedKernel);
        if (options.StackInputGradientConvTaps is { } inputGradientForm)
        {
            Conv3dTo2dLowering.Rewrite(graph, inputGradientForm, convWhere: conv => Stackable(conv) && !forward.Contains(conv));
        }
        if (options.StackConvTapsAfterGradients is { } form)
        {
            Conv3dTo2dLowering.Rewrite(graph, form, convWhere: conv => Stackable(conv) && forward.Contains(conv));
        }
    }

    private const long MaxStackedKernel = 7;

    /// <summary>The generated gradient graphs are cleaned up once they are final (<see cref="TrainingPackageOptions.CleanUpGraphs"/>).</summary>
    private static void CleanUp(GraphProto graph, TrainingPackageOptions options)
    {
        if (options.CleanUpGraphs)
        {
            GraphCleanup.Run(graph);
        }
    }

    /// <summary>The eval graph keeps the model's features output, so the inference export keeps it (few-shot, episodes).</summary>
    private static void KeepFeatures(GraphProto eval, ValueInfoProto? features)
    {
        if (features is not null && eval.Node.Any(n => n.Output.Contains(features.Name)))
        {
            eval.Output.Add(features);
        }
    }

    private sealed record GraphVariant(GraphProto Graph, TrainableSelection Selection, List<TensorProto> Initial, List<TensorProto> Buffers,
        long TrainableCount, long FrozenCount, IReadOnlyList<PackageDropoutSite> Dropout);

    /// <summary>
    /// One graph of the package: trainable parameters and the running statistics of training-mode BatchNormalization
    /// become inputs; with <paramref name="training"/> those BatchNormalization nodes are rewritten to use batch
    /// statistics and output their updated running statistics, and Dropout runs in training form with a mask from the
    /// dropout_seed input (<see cref="SeededDropout"/>); otherwise every Dropout is the identity.
    /// </summary>
    private static GraphVariant Variant(GraphProto source, TrainingPackageOptions options, bool training, string sourceName, TuningSites? sites)
    {
        var graph = source.Clone();
        var selection = TrainableSelection.Apply(graph, options.Tuning, training, source.Output[0].Name, sourceName, sites);
        var trainableCount = selection.TrainableElementCount(graph);
        var frozenCount = selection.FrozenElementCount(graph);
        var batchNorms = BatchNormTraining.Select(graph, options.BatchNorm, selection.Trainable);
        IReadOnlyList<PackageDropoutSite> dropout = [];
        if (training)
        {
            dropout = SeededDropout.Rewrite(graph, options.ModelDropout, sourceName);
            BatchNormTraining.Rewrite(graph, batchNorms, sourceName);
            if (options.FoldFrozenBatchNorm)
            {
                FrozenBatchNormFolding.Rewrite(graph, selection.Trainable);
            }
            if (options.LowerConv3dTo2d)
            {
                LowerConvolutions(graph, options, selection.Trainable);
            }
        }
        else
        {
            SeededDropout.MakeInference(graph);
        }
        var initial = GraphEdits.PromoteToInputs(graph, selection.Trainable);
        var buffers = GraphEdits.PromoteToInputs(graph, BatchNormTraining.Statistics(batchNorms));
        return new GraphVariant(graph, selection, initial, buffers, trainableCount, frozenCount, dropout);
    }

    /// <summary>
    /// 3-D convs as 2-D ones (<see cref="Conv3dTo2dLowering"/>): those that read nothing computed from a trained tensor
    /// in <see cref="TrainingPackageOptions.FrozenConvTaps"/>' form, the others in <see cref="TrainingPackageOptions.StackConvTaps"/>'.
    /// </summary>
    private static void LowerConvolutions(GraphProto graph, TrainingPackageOptions options, IReadOnlyList<string> trainable)
    {
        if (options.FrozenConvTaps is not { } frozenForm)
        {
            Conv3dTo2dLowering.Rewrite(graph, options.StackConvTaps);
            return;
        }
        var trained = new GraphView(graph).Dependents(trainable);
        Conv3dTo2dLowering.Rewrite(graph, frozenForm, (conv, _) => !conv.Input.Any(trained.Contains));
        // The first pass lowered every spatial and temporal conv already; only full kernels can be left.
        if (options.StackConvTaps is { } trainedForm)
        {
            Conv3dTo2dLowering.Rewrite(graph, trainedForm);
        }
    }

    /// <summary>
    /// Adds the cross-entropy loss, exposed as the scalar output "loss": with <paramref name="classCount"/> against the
    /// soft-target input [N, classes] (training graphs, so mixup and cutmix can mix labels), otherwise against the
    /// labels input (eval). With <paramref name="distillation"/> (training graphs only) the distillation term against
    /// the teacher-logits input is added.
    /// </summary>
    private static string AddLoss(GraphBuilder builder, PackageIoNames io, Dim batch, float labelSmoothing, int? classCount,
        PackageDistillationEntry? distillation = null)
    {
        var loss = classCount is { } classes
            ? Losses.SoftTargetCrossEntropy(builder, io.Logits, builder.Input(io.Targets!, DataType.Float, batch, classes), labelSmoothing)
            : Losses.SoftmaxCrossEntropy(builder, io.Logits, builder.Input(io.Labels, DataType.Int64, batch), labelSmoothing);
        if (distillation is not null && classCount is not null)
        {
            var crossEntropy = builder.UniqueName("loss_cross_entropy");
            GraphRewrites.RenameValue(builder.Graph, loss, crossEntropy);
            var teacher = builder.Input(io.TeacherLogits!, DataType.Float, batch, distillation.OldClasses);
            var distill = Losses.Distillation(builder, io.Logits, teacher, distillation.OldClasses, distillation.Temperature, distillation.Weight);
            loss = builder.Node("Add", [crossEntropy, distill], name: "loss_with_distillation");
        }
        ExposeAs(builder, loss, io.Loss);
        builder.Output(io.Loss, DataType.Float);
        return io.Loss;
    }

    /// <summary>Gives a computed value a chosen name: renames it when a node produces it, otherwise adds an Identity.</summary>
    internal static void ExposeAs(GraphBuilder builder, string value, string name)
    {
        builder.UniqueName(name);
        var graph = builder.Graph;
        var producedByNode = graph.Node.Any(n => n.Output.Contains(value));
        var isInterface = graph.Input.Any(v => v.Name == value) || graph.Output.Any(v => v.Name == value) || graph.Initializer.Any(t => t.Name == value);
        if (producedByNode && !isInterface)
        {
            GraphRewrites.RenameValue(graph, value, name);
            return;
        }
        var identity = new NodeProto { OpType = "Identity", Name = builder.UniqueName(name + "/Identity") };
        identity.Input.Add(value);
        identity.Output.Add(name);
        graph.Node.Add(identity);
    }

    private static Dim[] ShapeOf(IReadOnlyList<TensorProto> tensors, string name) =>
        tensors.First(t => t.Name == name).Dims.Select(d => (Dim)d).ToArray();

    private static PreprocessingContract? ContractOf(ModelProto model, string sourceName)
    {
        var json = ModelMetadata.Get(model, PreprocessingContract.MetadataKey);
        return json is null ? null : PreprocessingContract.FromJson(json, sourceName);
    }

    private static ModelProto Wrap(ModelProto original, GraphProto graph, string name, PreprocessingContract? contract)
    {
        graph.Name = name;
        var model = new ModelProto
        {
            IrVersion = Math.Max(original.IrVersion, 8),
            ProducerName = OnnxModels.ProducerName,
            ProducerVersion = typeof(TrainingGraphCompiler).Assembly.GetName().Version?.ToString() ?? "0",
            Graph = graph,
        };
        model.OpsetImport.AddRange(original.OpsetImport.Select(o => o.Clone()));
        if (model.OpsetImport.Count == 0)
        {
            model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = 17 });
        }
        if (contract is not null)
        {
            ModelMetadata.Set(model, PreprocessingContract.MetadataKey, contract.ToJson());
        }
        return model;
    }
}
