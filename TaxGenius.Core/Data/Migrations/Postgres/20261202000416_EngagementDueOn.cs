using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace TaxGenius.Core.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class EngagementDueOn : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<DateOnly>(
                name: "DueOn",
                table: "Engagements",
                type: "date",
                nullable: false,
                computedColumnSql: "COALESCE(\"ExtendedDueDate\", \"DueDate\")",
                stored: true);

            migrationBuilder.CreateIndex(
                name: "IX_Engagements_TaxYear_Stage_DueOn_StageChangedAt_Id",
                table: "Engagements",
                columns: new[] { "TaxYear", "Stage", "DueOn", "StageChangedAt", "Id" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_Engagements_TaxYear_Stage_DueOn_StageChangedAt_Id",
                table: "Engagements");

            migrationBuilder.DropColumn(
                name: "DueOn",
                table: "Engagements");
        }
    }
}
