using OnnxVideo.Autodiff.Optimizers;
using OnnxVideo.Packaging.Optimizers;
using OnnxVideo.Packaging.Tuning;
using OnnxVideo.Models.Tuning;
using OnnxVideo.Media;
using OnnxVideo.Onnx.Graphs;
using OnnxVideo.Packaging;

namespace OnnxVideo.Models.Compilation;

/// <summary>What to compile into a training package.</summary>
internal sealed record TrainingPackageOptions
{
    public TuningSpec Tuning { get; init; } = TuningSpec.Head;
    public OptimizerSettings Optimizer { get; init; } = OptimizerSettings.DefaultFor(OptimizerKind.AdamW);
    public float LabelSmoothing { get; init; }
    /// <summary>Default for the clip_norm input recorded in the manifest (0 = off).</summary>
    public float ClipNorm { get; init; }
    /// <summary>Overrides (or supplies) the model's preprocessing contract.</summary>
    public PreprocessingContract? Contract { get; init; }
    /// <summary>Which BatchNormalization layers use batch statistics and update their running statistics when training.</summary>
    public BatchNormMode BatchNorm { get; init; } = BatchNormMode.Auto;
    /// <summary>Frozen initializers of at least this many bytes are stored once in frozen.safetensors; smaller ones stay in each graph.</summary>
    public long FrozenThresholdBytes { get; init; } = 1024;
    /// <summary>Also writes the input-gradient graph (d loss / d clip with the current weights), which adversarial training needs.</summary>
    public bool InputGradient { get; init; }
    /// <summary>
    /// Run the model's own Dropout nodes (exported in inference form) in training form in the training graphs; LoRA's
    /// dropout runs whatever this says.
    /// </summary>
    public bool ModelDropout { get; init; } = true;
    /// <summary>Layer-wise learning-rate decay for transformers (e.g. 0.75, see <see cref="LayerDecay"/>); null = off.</summary>
    public float? LayerDecay { get; init; }
    /// <summary>Training graphs run spatial (1,k,k) and temporal (k,1,1) 3-D convolutions as 2-D ones over reshaped
    /// tensors (<see cref="Conv3dTo2dLowering"/>; r2plus1d_18's full step 0.93–0.95× the time, benchmarks/README.md).</summary>
    public bool LowerConv3dTo2d { get; init; } = true;
    /// <summary>With <see cref="LowerConv3dTo2d"/>, the other one-group 3-D convolutions (3×3×3 kernels, temporal
    /// strides, the 1×1×1 strided shortcuts) as 2-D ones over their temporal taps, in this form
    /// (<see cref="Onnx.Graphs.Conv3dTapStacking"/>, benchmarks/README.md lever 3c); null (the default) = they stay 3-D:
    /// r3d_18's and mc3_18's full steps measured 0.89–1.01× the time but peaked 35–37 % higher.</summary>
    public TapStackForm? StackConvTaps { get; init; }
    /// <summary>With <see cref="LowerConv3dTo2d"/>, the forward passes of the 3-D convolutions left once the gradients
    /// are built (the trained full kernels, where <see cref="StackConvTaps"/> is null) stacked over their temporal taps
    /// in this form, in the gradients and train-step graphs: lowered after autodiff, the stacked copies feed only their
    /// conv and nothing keeps them for the backward pass, and the 2-D convs reach ORT's NCHWc kernels (r3d_18's and
    /// mc3_18's full steps 0.89–0.91× the time, benchmarks/README.md lever 23); null = they stay 3-D.</summary>
    public TapStackForm? StackConvTapsAfterGradients { get; init; } = TapStackForm.Gathered;
    /// <summary>As <see cref="StackConvTapsAfterGradients"/> for the input gradients' 3-D convs (one 2-D conv per tap
    /// summed: the gathered form's stacked output gradient raised r3d_18's peak by 57 MiB); null = they stay 3-D.</summary>
    public TapStackForm? StackInputGradientConvTaps { get; init; } = TapStackForm.Summed;
    /// <summary>With <see cref="LowerConv3dTo2d"/>, the 3-D convolutions no gradient passes through (the frozen layers before
    /// every trained one: head-only and last-layers tuning) stacked as inference stacks them, in this form; null = as
    /// <see cref="StackConvTaps"/>. Nothing of theirs is kept for a backward pass, so the stacked copies live only as long
    /// as in inference (benchmarks/README.md, lever 3d).</summary>
    public TapStackForm? FrozenConvTaps { get; init; } = TapStackForm.Gathered;
    /// <summary>Conv weight gradients as one Gemm per kernel tap where that form measured faster
    /// (<see cref="OnnxVideo.Autodiff.Rules.PerTapWeightGradient.Wins"/>); off = always the Conv of transposed input and
    /// output gradient (benchmarks/README.md, lever 2).</summary>
    public bool PerTapConvWeightGradient { get; init; } = true;
    /// <summary>Conv weight gradients of stride-1 convs with one tap, few output channels (LoRA's B and A) or large outputs as dy
    /// shifted per tap in one MatMul (<see cref="OnnxVideo.Autodiff.Rules.ShiftedDyWeightGradient"/>); off only for A/B
    /// measurements (benchmarks/README.md).</summary>
    public bool ShiftedDyConvWeightGradient { get; init; } = true;
    /// <summary>Weight gradients of strided 3-D convs as one 2-D Conv over frames where that form measured faster
    /// (<see cref="OnnxVideo.Autodiff.Rules.FramesAsChannelsWeightGradient.Wins"/>); off = the 3-D Conv form
    /// (benchmarks/README.md, lever 28).</summary>
    public bool FramesAsChannelsConvWeightGradient { get; init; } = true;
    /// <summary>Training graphs fold a frozen BatchNorm into the Conv before it when the Conv's weight or the BatchNorm's
    /// scale or bias trains (<see cref="FrozenBatchNormFolding"/>); off only for A/B measurements.</summary>
    public bool FoldFrozenBatchNorm { get; init; } = true;
    /// <summary>The gradients and train-step graphs are cleaned up after autodiff and lowering (<see cref="Onnx.Graphs.Cleanup.GraphCleanup"/>:
    /// common subexpressions merged, shape arithmetic folded, dead nodes removed); off only for A/B measurements.</summary>
    public bool CleanUpGraphs { get; init; } = true;
    /// <summary>The optimizer graphs keep the state unchanged on a non-finite step, so sessions update it in place in
    /// one buffer instead of two (r2plus1d_18's full step 1,812 → 1,573 MB at no measurable cost in time on
    /// 2026-12-02's machine; benchmarks/README.md, lever 11e); off only for A/B measurements.</summary>
    public bool InPlaceOptimizerState { get; init; } = true;
    /// <summary>Knowledge distillation from a teacher's logits on the first classes, added to the training graphs' loss; null = off.</summary>
    public PackageDistillationEntry? Distillation { get; init; }
    /// <summary>Captioners: the tokenizer (tokenizer.json) to store in the package; its vocabulary must be the model's.</summary>
    public string? TokenizerPath { get; init; }
}
